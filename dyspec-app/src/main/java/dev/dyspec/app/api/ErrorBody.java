package dev.dyspec.app.api;

/** The OpenAI error envelope. */
public record ErrorBody(Error error) {

    public record Error(String message, String type, String param, String code) {
    }

    public static ErrorBody of(String message, String type, String param, String code) {
        return new ErrorBody(new Error(message, type, param, code));
    }
}
