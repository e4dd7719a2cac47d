package dev.dyspec.app.api;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Errors raised by the endpoints (or by their publishers before a response is written). */
@RestControllerAdvice
public class ApiExceptionAdvice {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionAdvice.class);

    @ExceptionHandler(Throwable.class)
    public ResponseEntity<ErrorBody> handle(Throwable e) {
        ResponseEntity<ErrorBody> response = ErrorMapping.toResponse(e);
        if (ErrorMapping.serverFault(response)) {
            log.error("request failed", e);
        } else if (response.getStatusCode().is5xxServerError()) {
            log.info("request refused: {}", response.getBody().error().message());
        }
        return response;
    }
}
