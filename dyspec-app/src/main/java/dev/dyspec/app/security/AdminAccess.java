package dev.dyspec.app.security;

import dev.dyspec.app.api.ApiException;
import dev.dyspec.app.config.DyspecProperties;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Operations for operators only (changing an experiment, forcing an arm) need an admin key
 * ({@code dyspec.security.admin-keys}); with none configured they are refused to everyone.
 */
@Component
public class AdminAccess {

    private final BearerKeys adminKeys;

    public AdminAccess(DyspecProperties properties) {
        this.adminKeys = new BearerKeys(properties.security().adminKeys());
    }

    /** Throws a 403 (401 without credentials) unless the header carries an admin key. */
    public void require(String authorizationHeader, String what) {
        if (adminKeys.isEmpty()) {
            throw new ApiException(HttpStatus.FORBIDDEN, "permission_error", null, "admin_disabled",
                    what + " needs an admin key, and this server has none configured (dyspec.security.admin-keys)");
        }
        if (authorizationHeader == null) {
            throw new ApiException(HttpStatus.UNAUTHORIZED, "invalid_request_error", null, "invalid_api_key",
                    what + " needs an admin key: send Authorization: Bearer <admin key>");
        }
        if (!adminKeys.accepts(authorizationHeader)) {
            throw new ApiException(HttpStatus.FORBIDDEN, "permission_error", null, "admin_key_required",
                    what + " needs an admin key");
        }
    }
}
