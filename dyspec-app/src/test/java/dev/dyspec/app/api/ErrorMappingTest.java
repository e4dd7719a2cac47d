package dev.dyspec.app.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dyspec.core.engine.GenerationTimeoutException;
import org.junit.jupiter.api.Test;
import org.springframework.http.ResponseEntity;

class ErrorMappingTest {

    @Test
    void aGenerationPastTheWallClockLimitIsA408NamingTheLimit() {
        ResponseEntity<ErrorBody> r = ErrorMapping.toResponse(new java.util.concurrent.CompletionException(
                new GenerationTimeoutException("the generation ran past the limit of 600 s per request")));
        assertThat(r.getStatusCode().value()).isEqualTo(408);
        assertThat(r.getBody().error().code()).isEqualTo("generation_timeout");
        assertThat(r.getBody().error().message()).contains("600 s");
    }

    @Test
    void aServerAnnouncingItsStateIsNoFaultButAnUnexpectedFailureIs() {
        assertThat(ErrorMapping.serverFault(ErrorMapping.toResponse(
                new dev.dyspec.app.engine.ModelsUnavailableException("models are still loading")))).isFalse();
        assertThat(ErrorMapping.serverFault(ErrorMapping.toResponse(
                new dev.dyspec.core.engine.EngineStoppedException("the server is shutting down")))).isFalse();
        assertThat(ErrorMapping.serverFault(ErrorMapping.toResponse(new IllegalStateException("a bug")))).isTrue();
        assertThat(ErrorMapping.serverFault(ErrorMapping.toResponse(new GenerationTimeoutException("late")))).isFalse();
    }
}
