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
            if (eq >= 0) {
                a.options.put(name.substring(0, eq), name.substring(eq + 1));
            } else if (knownFlags.contains(name)) {
                a.flags.add(name);
            } else if (i + 1 < rest.size()) {
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
