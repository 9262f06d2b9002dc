package io.lizsync.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parsed command line: {@code <command> [--flag] [--option value | --option=value] ...}. Option
 * names are the seed's parameter names in lower case with dashes (OVERRIDE_AUDIT becomes
 * {@code --override-audit}).
 */
final class Args {

    final String command;
    private final Map<String, String> options = new HashMap<>();
    private final Set<String> flags = new HashSet<>();

    private Args(String command) {
        this.command = command;
    }

    static Args parse(String[] argv, Set<String> knownFlags) {
        if (argv.length == 0) {
            throw new UsageException("a command is required");
        }
        Args a = new Args(argv[0]);
        List<String> rest = new ArrayList<>(Arrays.asList(argv).subList(1, argv.length));
        for (int i = 0; i < rest.size(); i++) {
            String arg = rest.get(i);
            if (!arg.startsWith("--")) {
                throw new UsageException("unexpected argument '" + arg + "'");
            }
            String name = arg.substring(2);
            int eq = name.indexOf('=');
            String key = eq >= 0 ? name.substring(0, eq) : name;
            if (key.isEmpty()) {
                throw new UsageException("unexpected argument '" + arg + "'");
            }
            if (a.options.containsKey(key) || a.flags.contains(key)) {
                throw new UsageException("option --" + key + " is given twice");
            }
            if (eq >= 0) {
                a.options.put(key, name.substring(eq + 1));
            } else if (knownFlags.contains(name)) {
                a.flags.add(name);
            } else if (i + 1 < rest.size() && !rest.get(i + 1).startsWith("--")) {
                // A value that starts with "--" must be written --name=value: "--name --other" is
                // far more often a forgotten value than a value.
                a.options.put(name, rest.get(++i));
            } else {
                throw new UsageException("option --" + name + " needs a value");
            }
        }
        return a;
    }

    boolean flag(String name) {
        return flag(name, false);
    }

    /** A boolean option: {@code --name}, {@code --name=true|false}; {@code fallback} when absent. */
    boolean flag(String name, boolean fallback) {
        if (options.containsKey(name)) {
            String v = options.get(name);
            if (v.equalsIgnoreCase("true") || v.equals("1") || v.equalsIgnoreCase("yes")) {
                return true;
            }
            if (v.equalsIgnoreCase("false") || v.equals("0") || v.equalsIgnoreCase("no")) {
                return false;
            }
            throw new UsageException("--" + name + " takes true or false, not '" + v + "'");
        }
        return flags.contains(name) || fallback;
    }

    String option(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }

    /** The option's value, or null when it was not given. */
    String option(String name) {
        return options.get(name);
    }

    /** True when the option was given with a non-blank value (or as a flag). */
    boolean has(String name) {
        return flags.contains(name) || (options.containsKey(name) && !options.get(name).isBlank());
    }

    /** The option's value; a usage error naming {@code why} when it is absent or blank. */
    String required(String name, String why) {
        String v = options.get(name);
        if (v == null || v.isBlank()) {
            throw new UsageException(why);
        }
        return v;
    }

    /** An integer option within {@code [min, max]}; {@code fallback} when absent. */
    int intOption(String name, int fallback, int min, int max) {
        String v = options.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.strip());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException("--" + name + " takes a whole number from " + min + " to " + max + ", not '" + v + "'");
    }

    /** Refuses options the command does not know, so that a typo is never silently ignored. */
    void checkOnly(Set<String> allowed) {
        Set<String> unknown = new HashSet<>(options.keySet());
        unknown.addAll(flags);
        unknown.removeAll(allowed);
        if (!unknown.isEmpty()) {
            throw new UsageException("unknown option(s) for '" + command + "': --" + String.join(", --", unknown));
        }
    }

    /** A wrong command line: exit code 2. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
