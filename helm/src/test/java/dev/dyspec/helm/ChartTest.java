package dev.dyspec.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.yaml.snakeyaml.Yaml;

/** The chart, linted and rendered in-process (helm-java), its YAML parsed and asserted. */
class ChartTest {

    private static final Path CHART = Path.of("dyspec").toAbsolutePath();

    private static List<Map<String, Object>> render(String... sets) {
        TemplateCommand t = new Helm(CHART).template().withName("ai").withNamespace("llm");
        for (int i = 0; i < sets.length; i += 2) {
            t = t.set(sets[i], sets[i + 1]);
        }
        String yaml = t.call();
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : new Yaml().loadAll(yaml)) {
            if (doc != null) {
                @SuppressWarnings("unchecked")
                Map<String, Object> m = (Map<String, Object>) doc;
                docs.add(m);
            }
        }
        return docs;
    }

    private static Map<String, Object> kind(List<Map<String, Object>> docs, String kind) {
        return docs.stream().filter(d -> kind.equals(d.get("kind"))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " rendered"));
    }

    private static boolean has(List<Map<String, Object>> docs, String kind) {
        return docs.stream().anyMatch(d -> kind.equals(d.get("kind")));
    }

    @SuppressWarnings("unchecked")
    private static <T> T at(Object node, String... path) {
        Object n = node;
        for (String p : path) {
            n = p.matches("\\d+") ? ((List<Object>) n).get(Integer.parseInt(p)) : ((Map<String, Object>) n).get(p);
            if (n == null) {
                return null;
            }
        }
        return (T) n;
    }

    private static Map<String, Object> container(List<Map<String, Object>> docs) {
        return at(kind(docs, "Deployment"), "spec", "template", "spec", "containers", "0");
    }

    private static Map<String, Object> env(Map<String, Object> container, String name) {
        List<Map<String, Object>> env = at(container, "env");
        return env.stream().filter(e -> name.equals(e.get("name"))).findFirst().orElse(null);
    }

    @Test
    void lintStrictPasses() {
        LintResult result = new Helm(CHART).lint().strict().call();
        assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
    }

    @Test
    void defaultProbesMatchTheApplicationsActuatorEndpointsAndPort() throws IOException {
        String app = Files.readString(Path.of("../dyspec-app/src/main/resources/application.yaml"), StandardCharsets.UTF_8);
        Map<String, Object> appYaml = new Yaml().load(app);
        int appPort = at(appYaml, "server", "port");
        int managementPort = at(appYaml, "management", "server", "port");
        assertThat(managementPort).as("actuator off the API port").isNotEqualTo(appPort);
        assertThat(Objects.<Boolean>requireNonNull(at(appYaml, "management", "endpoint", "health", "probes", "enabled"))).isTrue();
        List<String> exposed = List.of(((String) at(appYaml, "management", "endpoints", "web", "exposure", "include")).split(","));
        assertThat(exposed).contains("health", "prometheus");

        List<Map<String, Object>> docs = render();
        Map<String, Object> c = container(docs);
        assertThat((Integer) at(c, "ports", "0", "containerPort")).isEqualTo(appPort);
        assertThat((String) at(c, "ports", "0", "name")).isEqualTo("http");
        assertThat((Integer) at(c, "ports", "1", "containerPort")).isEqualTo(managementPort);
        assertThat((String) at(c, "ports", "1", "name")).isEqualTo("management");
        assertThat((String) at(c, "livenessProbe", "httpGet", "path")).isEqualTo("/actuator/health/liveness");
        assertThat((String) at(c, "readinessProbe", "httpGet", "path")).isEqualTo("/actuator/health/readiness");
        assertThat((String) at(c, "startupProbe", "httpGet", "path")).isEqualTo("/actuator/health/liveness");
        assertThat((String) at(c, "readinessProbe", "httpGet", "port")).isEqualTo("management");
        assertThat((String) at(c, "livenessProbe", "httpGet", "port")).isEqualTo("management");
        assertThat((String) at(c, "resources", "requests", "cpu")).isEqualTo("2");
        assertThat((String) at(c, "resources", "limits", "memory")).isEqualTo("8Gi");
        assertThat((String) at(env(c, "JAVA_TOOL_OPTIONS"), "value")).contains("-XX:MaxRAMPercentage=75");
        assertThat(env(c, "DYSPEC_MODELS_TARGET")).as("image models by default").isNull();
        assertThat((String) at(env(c, "DYSPEC_MODELS_WARMUP"), "value")).isEqualTo("3s");
        assertThat(has(docs, "Secret")).isFalse();
        assertThat(has(docs, "HorizontalPodAutoscaler")).isFalse();
        assertThat(has(docs, "PodDisruptionBudget")).isTrue();
        assertThat((Boolean) at(kind(docs, "Deployment"), "spec", "template", "spec", "securityContext", "runAsNonRoot")).isTrue();
        String config = at(kind(docs, "ConfigMap"), "data", "application.yaml");
        Map<String, Object> rendered = new Yaml().load(config);
        assertThat((String) at(rendered, "dyspec", "default-strategy")).isEqualTo("dyspec-ngram");
        assertThat((Integer) at(rendered, "dyspec", "limits", "max-concurrent")).isEqualTo(4);
        assertThat((Boolean) at(rendered, "dyspec", "limits", "reuse-prefixes")).isTrue();
        assertThat((Integer) at(rendered, "dyspec", "limits", "prefix-cache-slots")).isZero();
    }

    @Test
    void selectorsAreConsistent() {
        List<Map<String, Object>> docs = render("autoscaling.enabled", "true");
        Map<String, Object> podLabels = at(kind(docs, "Deployment"), "spec", "template", "metadata", "labels");
        Map<String, Object> deploymentSelector = at(kind(docs, "Deployment"), "spec", "selector", "matchLabels");
        Map<String, Object> serviceSelector = at(kind(docs, "Service"), "spec", "selector");
        Map<String, Object> pdbSelector = at(kind(docs, "PodDisruptionBudget"), "spec", "selector", "matchLabels");
        for (Map<String, Object> selector : List.of(deploymentSelector, serviceSelector, pdbSelector)) {
            assertThat(podLabels).containsAllEntriesOf(selector);
            assertThat(selector).isNotEmpty();
        }
        String name = at(kind(docs, "Deployment"), "metadata", "name");
        assertThat((String) at(kind(docs, "HorizontalPodAutoscaler"), "spec", "scaleTargetRef", "name")).isEqualTo(name);
        assertThat((String) at(kind(docs, "Service"), "spec", "ports", "0", "targetPort")).isEqualTo("http");
        assertThat((Object) at(kind(docs, "Deployment"), "spec", "replicas")).as("the HPA owns replicas").isNull();
    }

    @Test
    void gpuAddsTheResourceNodeSelectorAndTolerations() {
        List<Map<String, Object>> docs = render("gpu.enabled", "true", "gpu.count", "2");
        Map<String, Object> c = container(docs);
        assertThat((Integer) at(c, "resources", "limits", "nvidia.com/gpu")).isEqualTo(2);
        assertThat((String) at(c, "resources", "limits", "memory")).isEqualTo("8Gi");
        assertThat((String) at(env(c, "DYSPEC_MODELS_DEVICE"), "value")).isEqualTo("gpu");
        Map<String, Object> spec = at(kind(docs, "Deployment"), "spec", "template", "spec");
        assertThat((String) at(spec, "nodeSelector", "nvidia.com/gpu.present")).isEqualTo("true");
        assertThat((String) at(spec, "tolerations", "0", "key")).isEqualTo("nvidia.com/gpu");
    }

    @Test
    void pvcModelsMountTheClaimAndPointTheAppAtIt() {
        List<Map<String, Object>> docs = render("models.source", "pvc", "models.target", "big", "models.draft", "small",
                "models.pvc.create", "true");
        Map<String, Object> c = container(docs);
        assertThat((String) at(env(c, "DYSPEC_MODELS_TARGET"), "value")).isEqualTo("/models/big");
        assertThat((String) at(env(c, "DYSPEC_MODELS_DRAFT"), "value")).isEqualTo("/models/small");
        String claim = at(kind(docs, "PersistentVolumeClaim"), "metadata", "name");
        List<Map<String, Object>> volumes = at(kind(docs, "Deployment"), "spec", "template", "spec", "volumes");
        assertThat(volumes).anySatisfy(v -> assertThat((String) at(v, "persistentVolumeClaim", "claimName")).isEqualTo(claim));

        List<Map<String, Object>> existing = render("models.source", "pvc", "models.target", "big",
                "models.pvc.existingClaim", "shared-models");
        assertThat(has(existing, "PersistentVolumeClaim")).isFalse();
        List<Map<String, Object>> v2 = at(kind(existing, "Deployment"), "spec", "template", "spec", "volumes");
        assertThat((List<Map<String, Object>>) v2).anySatisfy(v -> assertThat((String) at(v, "persistentVolumeClaim", "claimName")).isEqualTo("shared-models"));
    }

    @Test
    void initContainerCopiesModelsFromAnImage() {
        List<Map<String, Object>> docs = render("models.source", "initContainer", "models.target", "t",
                "models.initContainer.image", "registry.example/models:1");
        Map<String, Object> init = at(kind(docs, "Deployment"), "spec", "template", "spec", "initContainers", "0");
        assertThat((String) at(init, "image")).isEqualTo("registry.example/models:1");
        assertThat((String) at(init, "volumeMounts", "0", "mountPath")).isEqualTo("/models");
        assertThatThrownBy(() -> render("models.source", "initContainer", "models.target", "t"))
                .hasMessageContaining("models.initContainer.image is required");
    }

    @Test
    void serviceMonitorOnlyWhenTheApiIsAvailable() {
        assertThat(has(render("serviceMonitor.enabled", "true"), "ServiceMonitor"))
                .as("no monitoring.coreos.com/v1 in an offline render").isFalse();
        List<Map<String, Object>> docs = render("serviceMonitor.enabled", "true", "serviceMonitor.assumeCrdInstalled", "true");
        Map<String, Object> sm = kind(docs, "ServiceMonitor");
        assertThat((String) at(sm, "spec", "endpoints", "0", "path")).isEqualTo("/actuator/prometheus");
        assertThat((String) at(sm, "spec", "endpoints", "0", "port")).isEqualTo("management");
        Map<String, Object> serviceLabels = at(kind(docs, "Service"), "metadata", "labels");
        assertThat(serviceLabels).containsAllEntriesOf(at(sm, "spec", "selector", "matchLabels"));
    }

    @Test
    void autoscalerOnCpuOrQueueDepth() {
        Map<String, Object> cpu = kind(render("autoscaling.enabled", "true"), "HorizontalPodAutoscaler");
        assertThat((String) at(cpu, "spec", "metrics", "0", "resource", "name")).isEqualTo("cpu");
        Map<String, Object> queue = kind(render("autoscaling.enabled", "true", "autoscaling.metric", "queueDepth"),
                "HorizontalPodAutoscaler");
        assertThat((String) at(queue, "spec", "metrics", "0", "pods", "metric", "name")).isEqualTo("dyspec_queue_depth");
    }

    @Test
    void apiKeysComeFromASecretAndNeverAppearInTheDeployment() {
        List<Map<String, Object>> docs = render("apiKeys.enabled", "true", "apiKeys.keys[0]", "sk-alpha",
                "apiKeys.keys[1]", "sk-beta");
        Map<String, Object> secret = kind(docs, "Secret");
        String encoded = at(secret, "data", "api-keys");
        assertThat(new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8)).isEqualTo("sk-alpha,sk-beta");
        Map<String, Object> ref = at(env(container(docs), "DYSPEC_SECURITY_API_KEYS"), "valueFrom", "secretKeyRef");
        assertThat((String) ref.get("name")).isEqualTo(at(secret, "metadata", "name"));
        String deployment = new Yaml().dump(kind(docs, "Deployment"));
        assertThat(deployment).doesNotContain("sk-alpha", "sk-beta");

        List<Map<String, Object>> existing = render("apiKeys.enabled", "true", "apiKeys.existingSecret", "my-keys");
        assertThat(has(existing, "Secret")).isFalse();
        assertThat((String) at(env(container(existing), "DYSPEC_SECURITY_API_KEYS"), "valueFrom", "secretKeyRef", "name"))
                .isEqualTo("my-keys");
        assertThatThrownBy(() -> render("apiKeys.enabled", "true")).hasMessageContaining("apiKeys.existingSecret");
    }

    @Test
    void experimentsReachTheApplicationConfig() {
        List<Map<String, Object>> docs = render("dyspec.experiments[0].id", "ab", "dyspec.experiments[0].arms[0].name", "c",
                "dyspec.experiments[0].arms[0].strategy", "chain", "dyspec.experiments[0].arms[0].budget", "4");
        Map<String, Object> config = new Yaml().load((String) at(kind(docs, "ConfigMap"), "data", "application.yaml"));
        assertThat((String) at(config, "dyspec", "experiments", "0", "arms", "0", "strategy")).isEqualTo("chain");
        assertThat((Integer) at(config, "dyspec", "experiments", "0", "arms", "0", "budget")).isEqualTo(4);
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({"replicaCount, two", "service.port, abc", "models.source, s3", "dyspec.strategyDefaults.threshold, 2",
        "autoscaling.metric, memory", "gpu.enabled, maybe", "models.device, tpu", "dyspec.limits.prefixCacheSlots, -1",
        "dyspec.limits.reusePrefixes, sometimes", "models.warmUp, soon"})
    void schemaRejectsWrongValues(String key, String value) {
        assertThatThrownBy(() -> render(key, value)).hasMessageContaining("values don't meet the specifications");
    }
}
