package dev.dyspec.app;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Maps {@code serve --target PATH --draft PATH --port N} to Spring properties; other {@code --x=y} pass through. */
final class ServeArguments {

    private static final Map<String, String> ALIASES = Map.of(
            "--target", "--dyspec.models.target",
            "--draft", "--dyspec.models.draft",
            "--port", "--server.port",
            "--device", "--dyspec.models.device",
            "--strategy", "--dyspec.default-strategy");

    private ServeArguments() {
    }

    static String[] toSpring(String[] args) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            String alias = ALIASES.get(name);
            if (alias != null) {
                String value = a.contains("=") ? a.substring(a.indexOf('=') + 1) : (i + 1 < args.length ? args[++i] : "");
                out.add(alias + "=" + value);
            } else {
                out.add(a);
            }
        }
        return out.toArray(String[]::new);
    }
}
