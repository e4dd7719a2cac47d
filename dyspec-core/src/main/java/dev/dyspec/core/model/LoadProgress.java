package dev.dyspec.core.model;

import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs a line each quarter of a model's parameters on their way into the engine, so a big load shows life. */
final class LoadProgress implements LongConsumer {

    private static final Logger log = LoggerFactory.getLogger(LoadProgress.class);

    private final String name;
    private final long total;
    private final long start = System.nanoTime();
    private long read;
    private int quartersLogged;

    LoadProgress(String name, long total) {
        this.name = name;
        this.total = Math.max(1, total);
    }

    @Override
    public void accept(long elements) {
        read += elements;
        int quarters = (int) Math.min(4, 4 * read / total);
        if (quarters > quartersLogged) {
            quartersLogged = quarters;
            log.info("loading {}: {}% of {} M parameters, {} s", name, 25 * quarters, String.format("%.1f", total / 1e6),
                    String.format("%.1f", (System.nanoTime() - start) / 1e9));
        }
    }
}
