package dev.dyspec.core.training;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.util.concurrent.Callable;

/**
 * Runs work with libtorch's autograd off on this thread. Grad mode is thread-local in libtorch and
 * only the thread that started the engine begins with it off, so training code sets it explicitly:
 * evaluation and teacher forwards build no graph, and optimizer updates may write parameters in place.
 */
final class NoGrad {

    static {
        // JniUtils' native methods are linked only once the engine has loaded libtorch; a cold JVM
        // (`./dyspec train`) reaches this class before anything else touched the engine.
        Engine.getEngine("PyTorch");
    }

    private NoGrad() {
    }

    static <T> T call(Callable<T> work) throws Exception {
        boolean previous = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            return work.call();
        } finally {
            JniUtils.setGradMode(previous);
        }
    }
}
