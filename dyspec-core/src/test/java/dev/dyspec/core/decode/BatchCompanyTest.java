package dev.dyspec.core.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dyspec.api.BatchCompany;
import dev.dyspec.api.DraftHandle;
import dev.dyspec.api.SamplingParams;
import dev.dyspec.api.StrategyOptions;
import dev.dyspec.api.TokenTree;
import dev.dyspec.api.TreeBuilder;
import dev.dyspec.api.TreeStrategy;
import dev.dyspec.core.checkpoint.ModelConfig;
import dev.dyspec.core.testing.RandomModels;
import dev.dyspec.core.testing.TestModels;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** What an engine says shares a step's forward reaches the strategy growing that step's tree, and only that step's. */
class BatchCompanyTest {

    /** Grows root-only trees and notes the company its draft handle reports each step. */
    private static final class Recorder implements TreeStrategy {
        final List<BatchCompany> seen = new ArrayList<>();

        @Override
        public String name() {
            return "recorder";
        }

        @Override
        public void validate(StrategyOptions options, int maxBudget) {
        }

        @Override
        public TokenTree grow(DraftHandle draft, int rootToken, StrategyOptions options, SamplingParams params,
                              RandomGenerator random) {
            seen.add(draft.company());
            return TreeBuilder.rooted(rootToken).build();
        }
    }

    @Test
    void theStrategySeesTheCompanyOfItsStep() {
        ModelConfig config = RandomModels.config(32, 64, 2, 4, 2, 64, 160, true);
        Recorder recorder = new Recorder();
        try (SpeculativeDecoder decoder = new SpeculativeDecoder(TestModels.random(config, 5, 10),
                TestModels.perturbed(config, 5, 0.4, 10), 8)) {
            GenerationRequest request = new GenerationRequest(new int[] {1, 7, 9}, 8, SamplingParams.greedy(), recorder,
                    StrategyOptions.defaults(), List.of());
            try (GenerationSession session = decoder.start(request)) {
                BatchCompany batch = new BatchCompany(12, 3.5);
                GenerationSession.Proposal proposal = session.propose(null, Integer.MAX_VALUE, batch);
                session.accept(proposal, decoder.target().lm().forward(List.of(proposal.rows()), true).get(0), 0);
                session.step(); // alone
            }
        }
        assertEquals(List.of(new BatchCompany(12, 3.5), BatchCompany.ALONE), recorder.seen);
    }
}
