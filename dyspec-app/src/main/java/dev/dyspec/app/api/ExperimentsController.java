package dev.dyspec.app.api;

import dev.dyspec.app.experiment.ExperimentReport;
import dev.dyspec.app.experiment.ExperimentService;
import dev.dyspec.app.security.AdminAccess;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/** Per-arm results of the A/B experiments, and their run-time control (admin key). */
@RestController
public class ExperimentsController {

    private final ExperimentService experiments;
    private final AdminAccess adminAccess;

    public ExperimentsController(ExperimentService experiments, AdminAccess adminAccess) {
        this.experiments = experiments;
        this.adminAccess = adminAccess;
    }

    public record ExperimentList(String object, List<ExperimentReport> data) {
    }

    /**
     * {@code PATCH /v1/experiments/{id}}: either field may be left out.
     *
     * @param weights new weights by arm name; arms not named keep theirs
     */
    public record ExperimentUpdate(Boolean enabled, Map<String, Double> weights) {
    }

    @GetMapping("/v1/experiments")
    public ExperimentList list() {
        return new ExperimentList("list", experiments.ids().stream().map(id -> experiments.report(id).orElseThrow()).toList());
    }

    @GetMapping("/v1/experiments/{id}")
    public ExperimentReport get(@PathVariable String id) {
        return experiments.report(id).orElseThrow(() -> notFound(id));
    }

    @PatchMapping("/v1/experiments/{id}")
    public ExperimentReport update(@PathVariable String id, @RequestBody ExperimentUpdate body,
                                   @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
        adminAccess.require(authorization, "changing an experiment");
        if (experiments.report(id).isEmpty()) {
            throw notFound(id);
        }
        if (body == null || (body.enabled() == null && (body.weights() == null || body.weights().isEmpty()))) {
            throw ApiException.invalid(null, "send {\"enabled\": true|false} and/or {\"weights\": {\"arm\": w, ...}}");
        }
        try {
            return experiments.update(id, body.enabled(), body.weights());
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("weights", e.getMessage());
        }
    }

    private ApiException notFound(String id) {
        return new ApiException(HttpStatus.NOT_FOUND, "invalid_request_error", "id", "experiment_not_found",
                "no experiment '" + id + "'; configured: " + experiments.ids());
    }
}
