package dev.dyspec.app.api;

import dev.dyspec.app.config.SwappableTreeCost;
import dev.dyspec.app.engine.TreeSizeTracker;
import dev.dyspec.core.model.MeasuredTreeCost;
import dev.dyspec.strategies.AcceptanceModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The learned acceptance curve next to the paper's identity (and what context proposals earned), the cost
 * model and the chosen tree sizes.
 */
@RestController
public class CalibrationController {

    private final AcceptanceModel acceptance;
    private final SwappableTreeCost cost;
    private final TreeSizeTracker treeSizes;

    public CalibrationController(AcceptanceModel acceptance, SwappableTreeCost cost, TreeSizeTracker treeSizes) {
        this.acceptance = acceptance;
        this.cost = cost;
        this.treeSizes = treeSizes;
    }

    /** What n-gram proposals from the context earned, by the length of the suffix they matched. */
    private List<Map<String, Object>> contextByMatchLength(AcceptanceModel.Band band) {
        long[][] counts = acceptance.contextCounts(band);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < counts.length; i++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("matchLength", i + 1 == AcceptanceModel.MAX_MATCH ? (i + 1) + "+" : String.valueOf(i + 1));
            row.put("accepted", counts[i][0]);
            row.put("verified", counts[i][1]);
            row.put("acceptance", counts[i][1] == 0 ? null : (double) counts[i][0] / counts[i][1]);
            rows.add(row);
        }
        return rows;
    }

    @GetMapping("/v1/calibration")
    public Map<String, Object> calibration() {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> bands = new LinkedHashMap<>();
        double[] centres = AcceptanceModel.binCentres();
        for (AcceptanceModel.Band band : AcceptanceModel.Band.values()) {
            double[] curve = acceptance.curve(band);
            List<Map<String, Object>> points = new ArrayList<>();
            for (int b = 0; b < centres.length; b++) {
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("drawProbability", centres[b]);
                p.put("learned", curve[b]);
                p.put("paper", centres[b]);
                points.add(p);
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("observations", acceptance.observations(band));
            m.put("curve", points);
            m.put("contextProposals", contextByMatchLength(band));
            bands.put(band.name().toLowerCase(Locale.ROOT), m);
        }
        out.put("acceptance", bands);
        Map<String, Object> costModel = new LinkedHashMap<>();
        costModel.put("measured", cost.isMeasured());
        if (cost.current() instanceof MeasuredTreeCost m) {
            costModel.put("targetForwardMs", m.targetPoints());
            costModel.put("draftMsPerNode", m.draftMsPerNode());
        }
        List<Double> byNodes = new ArrayList<>();
        for (int n : new int[] {0, 1, 2, 4, 8, 16, 32, 64}) {
            byNodes.add(cost.cost(n));
        }
        costModel.put("stepCostAt", Map.of("nodes", List.of(0, 1, 2, 4, 8, 16, 32, 64), "cost", byNodes));
        out.put("cost", costModel);
        Map<String, Object> sizes = new LinkedHashMap<>();
        treeSizes.summary().forEach((k, v) -> sizes.put(k, Map.of("steps", (long) v[0], "meanTreeSize", v[1])));
        out.put("treeSizes", sizes);
        return out;
    }
}
