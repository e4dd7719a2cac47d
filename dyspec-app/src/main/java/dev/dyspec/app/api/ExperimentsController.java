package dev.dyspec.app.api;

import dev.dyspec.app.experiment.ExperimentService;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** Per-arm results of the configured A/B experiments. */
@RestController
public class ExperimentsController {

    private final ExperimentService experiments;

    public ExperimentsController(ExperimentService experiments) {
        this.experiments = experiments;
    }

    @GetMapping("/v1/experiments")
    public Map<String, Object> list() {
        List<Map<String, Object>> data = experiments.ids().stream().map(id -> experiments.report(id).orElseThrow()).toList();
        return Map.of("object", "list", "data", data);
    }

    @GetMapping("/v1/experiments/{id}")
    public Map<String, Object> get(@PathVariable String id) {
        return experiments.report(id).orElseThrow(() -> new ApiException(HttpStatus.NOT_FOUND, "invalid_request_error",
                "id", "experiment_not_found", "no experiment '" + id + "'; configured: " + experiments.ids()));
    }
}
