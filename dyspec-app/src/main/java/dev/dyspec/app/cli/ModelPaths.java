package dev.dyspec.app.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the shipped default model pair lives: {@code models/} under dyspec's home (the launcher sets
 * {@code dyspec.home} to the checkout or image root).
 */
public final class ModelPaths {

    public static final String TARGET_DIR = "dyspec-target";
    public static final String DRAFT_DIR = "dyspec-draft";

    private ModelPaths() {
    }

    public static Path home() {
        return Path.of(System.getProperty("dyspec.home", ".")).toAbsolutePath().normalize();
    }

    public static Path defaultTarget() {
        return home().resolve("models").resolve(TARGET_DIR);
    }

    public static Path defaultDraft() {
        return home().resolve("models").resolve(DRAFT_DIR);
    }

    /** The given path, or the default one when none is given; fails clearly when neither exists. */
    public static Path resolve(String given, Path fallback, String what) {
        if (given != null) {
            return Path.of(given);
        }
        if (!Files.isDirectory(fallback)) {
            throw new CliException("no --" + what + " given and the default model " + fallback + " is not there");
        }
        return fallback;
    }
}
