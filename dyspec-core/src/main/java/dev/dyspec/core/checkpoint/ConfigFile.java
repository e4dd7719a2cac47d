package dev.dyspec.core.checkpoint;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Path;

/** Typed reads of a {@code config.json}, each failure naming the file and the field. */
public final class ConfigFile {

    private final Path file;
    private final JsonObject json;

    public ConfigFile(Path file, JsonObject json) {
        this.file = file;
        this.json = json;
    }

    public Path file() {
        return file;
    }

    public boolean has(String field) {
        return json.has(field) && !json.get(field).isJsonNull();
    }

    public JsonObject object(String field) {
        if (!has(field)) {
            return null;
        }
        if (!json.get(field).isJsonObject()) {
            throw refuse(field, "must be an object, got " + json.get(field));
        }
        return json.getAsJsonObject(field);
    }

    public int integer(String field) {
        if (!has(field)) {
            throw refuse(field, "is missing");
        }
        return integer(json, field);
    }

    public int integer(String field, int fallback) {
        return has(field) ? integer(json, field) : fallback;
    }

    public double number(String field, double fallback) {
        if (!has(field)) {
            return fallback;
        }
        try {
            return json.get(field).getAsDouble();
        } catch (RuntimeException e) {
            throw refuse(field, "must be a number, got " + json.get(field));
        }
    }

    public boolean bool(String field, boolean fallback) {
        if (!has(field)) {
            return fallback;
        }
        try {
            return json.get(field).getAsBoolean();
        } catch (RuntimeException e) {
            throw refuse(field, "must be true or false, got " + json.get(field));
        }
    }

    public String string(String field, String fallback) {
        return has(field) ? json.get(field).getAsString() : fallback;
    }

    /** The first id when the field is a list (several end-of-sequence ids), the fallback when absent. */
    public int firstInteger(String field, int fallback) {
        if (!has(field)) {
            return fallback;
        }
        JsonElement e = json.get(field);
        return e.isJsonArray() ? e.getAsJsonArray().get(0).getAsInt() : integer(json, field);
    }

    int integer(JsonObject o, String field) {
        try {
            return o.get(field).getAsInt();
        } catch (RuntimeException e) {
            throw refuse(field, "must be an integer, got " + o.get(field));
        }
    }

    /** A refusal of this file: {@code field} and what is wrong with it. */
    public CheckpointException refuse(String field, String problem) {
        return new CheckpointException(file, "'" + field + "' " + problem);
    }
}
