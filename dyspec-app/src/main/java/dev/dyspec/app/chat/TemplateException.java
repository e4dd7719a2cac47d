package dev.dyspec.app.chat;

/** A chat template that cannot be parsed or rendered, or that refused the messages itself. */
public class TemplateException extends RuntimeException {

    private final boolean raisedByTemplate;

    public TemplateException(String message) {
        this(message, false);
    }

    TemplateException(String message, boolean raisedByTemplate) {
        super(message);
        this.raisedByTemplate = raisedByTemplate;
    }

    /** True when the template called {@code raise_exception}: the messages, not the template, are at fault. */
    public boolean raisedByTemplate() {
        return raisedByTemplate;
    }
}
