package dev.dyspec.core.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.dyspec.api.SamplingParams;
import dev.dyspec.api.StrategyOptions;
import dev.dyspec.core.decode.GenerationRequest;
import dev.dyspec.core.decode.SpeculativeDecoder;
import dev.dyspec.core.testing.SharedModels;
import dev.dyspec.strategies.DySpecStrategy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Per-step arrays live in an NDScope: process memory stays flat over many forwards and sessions. */
class NativeMemoryTest {

    @Test
    void thousandForwardsLeaveResidentMemoryFlat() throws IOException {
        ModelLoader loader = new ModelLoader(Device.cpu(), 66, ForwardBackend.TORCH);
        try (LanguageModel model = loader.load(SharedModels.shipped("dyspec-target"));
             KvCache cache = model.lm().newCache(600)) {
            int[] context = model.tokenizer().encode("Once upon a time there was a little dog");
            model.lm().prefill(cache, context);
            boolean[][] tree = {{true, false, false, false}, {true, true, false, false}, {true, false, true, false},
                    {true, false, true, true}};
            int[] positions = {context.length, context.length + 1, context.length + 1, context.length + 2};
            Runnable forward = () -> {
                model.lm().forward(cache, new int[] {5, 9, 33, 70}, positions, tree, true);
                cache.keep(new int[0]);
            };
            for (int i = 0; i < 1000; i++) {
                forward.run();
            }
            long before = residentBytes();
            for (int i = 0; i < 1000; i++) {
                forward.run();
            }
            long after = residentBytes();
            assertTrue(after <= before * 1.10 && after >= before * 0.90,
                    "RSS went from " + before / 1024 + " KiB to " + after / 1024 + " KiB");
        }
    }

    @Test
    void manySessionsLeaveResidentMemoryFlat() throws IOException {
        ModelLoader loader = new ModelLoader(Device.cpu(), 66, ForwardBackend.TORCH);
        try (SpeculativeDecoder decoder = new SpeculativeDecoder(loader.load(SharedModels.shipped("dyspec-target")),
                loader.load(SharedModels.shipped("dyspec-draft")), 64)) {
            Runnable generation = () -> decoder.generate(new GenerationRequest(decoder.encodePrompt("Once upon a time"), 24,
                    new SamplingParams(1.0, 1.0, 3), new DySpecStrategy(), StrategyOptions.defaults().withBudget(8), List.of()));
            for (int i = 0; i < 30; i++) {
                generation.run();
            }
            long before = residentBytes();
            for (int i = 0; i < 150; i++) {
                generation.run();
            }
            long after = residentBytes();
            assertTrue(after <= before * 1.10, "RSS went from " + before / 1024 + " KiB to " + after / 1024 + " KiB");
        }
    }

    private static long residentBytes() throws IOException {
        System.gc();
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
