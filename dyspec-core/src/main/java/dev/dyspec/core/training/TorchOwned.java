package dev.dyspec.core.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Tensors for the training graph, in libtorch's own memory. DJL builds an array from Java data over a direct
 * buffer that only the Java array object keeps alive, and its number overloads ({@code x.mul(0.5f)}) make such
 * an array for the scalar and close it straight after the op. Autograd keeps what it saved for backward (the
 * scalar of a product, the exponent of a power, the indices of a gather) past that point, so once the garbage
 * collector freed the buffer, backward read whatever the memory held by then: training then depended on GC timing
 * (a resumed run parted from a straight one in about one run in twenty under load, every run under a GC storm).
 */
final class TorchOwned {

    private TorchOwned() {
    }

    /** A copy of {@code data} that libtorch allocated; nothing of it lives in Java memory. */
    static NDArray floats(NDManager manager, float[] data, Shape shape) {
        try (NDArray javaBacked = manager.create(data, shape)) {
            return javaBacked.duplicate();
        }
    }

    static NDArray longs(NDManager manager, long[] data, Shape shape) {
        try (NDArray javaBacked = manager.create(data, shape)) {
            return javaBacked.duplicate();
        }
    }

    /** A float32 scalar for graph arithmetic, in place of the number overloads. */
    static NDArray scalar(NDManager manager, float value) {
        return manager.full(new Shape(), value);
    }
}
