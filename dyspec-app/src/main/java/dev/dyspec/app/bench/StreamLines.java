package dev.dyspec.app.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The lines of a streamed response body as they arrive, read with a limit on silence: a blocked read of
 * the JDK client's response stream ignores interrupts and closing, so a server that stops sending (or sends
 * {@code [DONE]} and never ends the response) would hang its reader forever; here the reader gives up
 * after {@code stall} without a line and cancels the body.
 */
final class StreamLines implements Flow.Subscriber<String> {

    private static final Object END = new Object();

    private final BlockingQueue<Object> arrived = new LinkedBlockingQueue<>();
    private volatile Flow.Subscription subscription;
    private int lines;
    private boolean done;

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(String line) {
        arrived.add(line);
    }

    @Override
    public void onError(Throwable error) {
        arrived.add(error);
    }

    @Override
    public void onComplete() {
        arrived.add(END);
    }

    /**
     * The next line, or null at the end of the body.
     *
     * @throws IOException when the body failed, or when nothing arrived for {@code stall} (the body is then
     *                     cancelled and the message says how far the stream had got)
     */
    String next(Duration stall) throws IOException, InterruptedException {
        Object item = arrived.poll(stall.toNanos(), TimeUnit.NANOSECONDS);
        if (item == null) {
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
            throw new IOException("the stream sent nothing for " + stall.toSeconds() + " s after " + lines + " lines"
                    + (done ? ", [DONE] among them, without ending" : ""));
        }
        if (item == END) {
            return null;
        }
        if (item instanceof Throwable error) {
            throw new IOException("the stream failed after " + lines + " lines", error);
        }
        lines++;
        done |= item.equals("data: [DONE]");
        return (String) item;
    }
}
