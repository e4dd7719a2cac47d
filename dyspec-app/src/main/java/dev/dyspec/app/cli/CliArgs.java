package dev.dyspec.app.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code --name value} and {@code --flag} arguments of one command; unknown names are refused. */
public final class CliArgs {

    private final Map<String, List<String>> values = new HashMap<>();

    private CliArgs() {
    }

    /**
     * @param valued names that take a value
     * @param flags names that take none
     */
    public static CliArgs parse(String[] args, int from, Set<String> valued, Set<String> flags) {
        CliArgs out = new CliArgs();
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new CliException("unexpected argument '" + a + "'");
            }
            String name = a.substring(2);
            String inlineValue = null;
            if (name.contains("=")) {
                inlineValue = name.substring(name.indexOf('=') + 1);
                name = name.substring(0, name.indexOf('='));
            }
            if (flags.contains(name)) {
                out.values.computeIfAbsent(name, k -> new ArrayList<>()).add("true");
            } else if (valued.contains(name)) {
                String value = inlineValue;
                if (value == null) {
                    if (i + 1 >= args.length) {
                        throw new CliException("--" + name + " needs a value");
                    }
                    value = args[++i];
                }
                out.values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            } else {
                throw new CliException("unknown option --" + name);
            }
        }
        return out;
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public String get(String name, String fallback) {
        List<String> v = values.get(name);
        return v == null ? fallback : v.get(v.size() - 1);
    }

    public List<String> all(String name) {
        return values.getOrDefault(name, List.of());
    }

    public int getInt(String name, int fallback) {
        String v = get(name, null);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new CliException("--" + name + " must be an integer, got '" + v + "'");
        }
    }

    public long getLong(String name, long fallback) {
        String v = get(name, null);
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new CliException("--" + name + " must be an integer, got '" + v + "'");
        }
    }

    public double getDouble(String name, double fallback) {
        String v = get(name, null);
        if (v == null) {
            return fallback;
        }
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new CliException("--" + name + " must be a number, got '" + v + "'");
        }
    }

    public List<Integer> getIntList(String name, List<Integer> fallback) {
        String v = get(name, null);
        if (v == null) {
            return fallback;
        }
        List<Integer> out = new ArrayList<>();
        for (String part : v.split(",")) {
            try {
                out.add(Integer.parseInt(part.trim()));
            } catch (NumberFormatException e) {
                throw new CliException("--" + name + " must be a comma-separated list of integers, got '" + v + "'");
            }
        }
        return out;
    }
}
