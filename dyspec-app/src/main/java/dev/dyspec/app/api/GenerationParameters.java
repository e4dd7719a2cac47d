package dev.dyspec.app.api;

/** The fields completions and chat completions share. */
public interface GenerationParameters {

    String model();

    Integer maxTokens();

    Double temperature();

    Double topP();

    Object stop();

    Long seed();

    Boolean stream();

    StreamOptions streamOptions();

    String user();

    Integer n();

    DyspecOptions dyspec();

    default boolean streaming() {
        return Boolean.TRUE.equals(stream());
    }

    default boolean includeUsage() {
        return streamOptions() != null && Boolean.TRUE.equals(streamOptions().includeUsage());
    }
}
