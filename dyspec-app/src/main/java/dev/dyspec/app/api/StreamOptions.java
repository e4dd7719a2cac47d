package dev.dyspec.app.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** OpenAI's {@code stream_options}. */
public record StreamOptions(@JsonProperty("include_usage") Boolean includeUsage) {
}
