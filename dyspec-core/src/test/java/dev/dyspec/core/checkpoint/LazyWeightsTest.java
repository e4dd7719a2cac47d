package dev.dyspec.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import dev.dyspec.core.testing.RandomModels;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A loaded checkpoint reads its tensors from the file when asked and keeps none, so the engine holds the
 * model once while loading; progress counts every element read.
 */
class LazyWeightsTest {

    @TempDir
    Path tmp;

    @Test
    void tensorsAreReadWhenAskedForAndNotKept() throws Exception {
        ModelConfig config = RandomModels.config(32, 48, 2, 4, 2, 61, 64, false);
        Map<String, WeightTensor> written = RandomModels.weights(config, 7);
        RandomModels.writeHf(tmp, config, written, SafetensorsWriter.Dtype.F32);
        AtomicLong read = new AtomicLong();
        Checkpoint loaded = HfCheckpointLoader.load(tmp, read::addAndGet);
        assertEquals(0, read.get(), "nothing is read before the engine asks");
        String name = LlamaTensorNames.layer(1, LlamaTensorNames.V);
        WeightTensor first = loaded.weights().get(name);
        WeightTensor second = loaded.weights().get(name);
        assertArrayEquals(written.get(name).data(), first.data());
        assertNotSame(first.data(), second.data(), "each read is fresh: nothing is kept");
        read.set(0);
        long elements = 0;
        for (Map.Entry<String, WeightTensor> e : loaded.weights().entrySet()) {
            assertArrayEquals(written.get(e.getKey()).data(), e.getValue().data(), e.getKey());
            elements += e.getValue().data().length;
        }
        assertEquals(HfCheckpointLoader.elements(tmp), elements);
        assertEquals(elements, read.get(), "progress saw every element");
    }
}
