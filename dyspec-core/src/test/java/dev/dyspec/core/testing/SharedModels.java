package dev.dyspec.core.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Test data outside the tests: the shipped pair in the repository's {@code models/} (always there), and
 * the shared data folder beside the project ({@code ../shared}, or {@code -Ddyspec.shared=DIR}), which a
 * fresh clone does not have. A test that needs the shared data is skipped with one line naming what is
 * missing — or fails when {@code -Ddyspec.requireShared=true} (CI), so a path slip cannot turn it off.
 */
public final class SharedModels {

    /** The system property that turns a missing shared folder from a skip into a failure. */
    public static final String REQUIRE_PROPERTY = "dyspec.requireShared";

    private SharedModels() {
    }

    /** The repository root: {@code -Ddyspec.home} (set by the build), else the nearest folder up with {@code models/}. */
    public static Path projectRoot() {
        String configured = System.getProperty("dyspec.home");
        if (configured != null && Files.isDirectory(Path.of(configured, "models"))) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("models/dyspec-target"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the repository's models/ folder from " + Path.of("").toAbsolutePath());
    }

    /** A model of the shipped pair: {@code dyspec-target} or {@code dyspec-draft}. */
    public static Path shipped(String name) {
        return projectRoot().resolve("models").resolve(name);
    }

    /** Held-out text of the shipped target (KJV + SOTU): a real corpus that is in the repository. */
    public static Path shippedCorpus() {
        return shipped("dyspec-target").resolve("heldout.txt");
    }

    /** Where the shared folder is expected; it may be missing. */
    public static Path expectedRoot() {
        String configured = System.getProperty("dyspec.shared");
        Path p = configured != null ? Path.of(configured) : projectRoot().resolve("../shared");
        return p.toAbsolutePath().normalize();
    }

    public static boolean available() {
        return Files.isDirectory(expectedRoot().resolve("models"));
    }

    /** The shared folder; skips the calling test (fails it under {@code dyspec.requireShared}) when it is missing. */
    public static Path root() {
        Path root = expectedRoot();
        if (!available()) {
            String message = "needs the shared data folder (real TinyStories checkpoints, corpora) at " + root
                    + ", which is missing; put it there or pass -Ddyspec.shared=DIR";
            if (Boolean.getBoolean(REQUIRE_PROPERTY)) {
                throw new AssertionError(message + " (" + REQUIRE_PROPERTY + " is set)");
            }
            System.err.println("[dyspec] skipped: " + message);
            Assumptions.abort(message);
        }
        return root;
    }

    public static Path hf(String name) {
        return root().resolve("models").resolve(name);
    }

    public static Path llama2c(String name) {
        return root().resolve("models").resolve(name).resolve("llama2c").resolve(name + ".bin");
    }

    public static Path corpus(String file) {
        return root().resolve("corpora").resolve(file);
    }
}
