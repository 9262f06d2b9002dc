package io.lizsync.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a login's password comes from, never the command line: {@code --password-file} (its first
 * line), else a prompt on the terminal (not echoed), else the first line of standard input.
 */
final class Passwords {

    private Passwords() {
    }

    static String read(String passwordFile, Console console, InputStream stdin, String login) throws IOException {
        String password;
        if (passwordFile != null) {
            try (InputStream in = Files.newInputStream(Path.of(passwordFile))) {
                password = firstLine(in);
            } catch (java.nio.file.NoSuchFileException e) {
                throw new UsageException("--password-file: " + passwordFile + " does not exist");
            }
        } else if (console != null) {
            char[] typed = console.readPassword("Password for %s: ", login);
            password = typed == null ? null : new String(typed);
        } else {
            password = firstLine(stdin);
        }
        if (password == null || password.isEmpty()) {
            throw new UsageException("no password: give --password-file FILE, type it at the prompt, or one line on"
                    + " standard input");
        }
        return password;
    }

    private static String firstLine(InputStream in) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line = r.readLine();
        return line == null ? null : line.strip();
    }
}
