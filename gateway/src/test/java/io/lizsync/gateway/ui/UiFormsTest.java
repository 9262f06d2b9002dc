package io.lizsync.gateway.ui;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every page of the dashboard declares who may open it, and every form post but the login takes
 * the session's CSRF token (the page then checks it first: {@link UiContext#checkCsrf}).
 */
class UiFormsTest {

    static List<Class<?>> pages() throws Exception {
        List<Class<?>> out = new ArrayList<>();
        try (Stream<java.nio.file.Path> files = Files.list(Paths.get(UiContext.class.getProtectionDomain().getCodeSource()
                .getLocation().toURI()).resolve("io/lizsync/gateway/ui"))) {
            for (java.nio.file.Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (name.endsWith(".class") && !name.contains("$")) {
                    Class<?> c = Class.forName("io.lizsync.gateway.ui." + name.replace(".class", ""));
                    if (c.isAnnotationPresent(Path.class)) {
                        out.add(c);
                    }
                }
            }
        }
        return out;
    }

    @Test
    void everyFormPostButTheLoginTakesTheCsrfToken() throws Exception {
        List<Class<?>> pages = pages();
        assertTrue(pages.size() >= 10, "the page classes are found: " + pages);
        int posts = 0;
        for (Class<?> page : pages) {
            for (Method m : page.getDeclaredMethods()) {
                if (!m.isAnnotationPresent(POST.class) || page == LoginPage.class) {
                    continue;
                }
                posts++;
                boolean csrf = false;
                for (Parameter p : m.getParameters()) {
                    FormParam f = p.getAnnotation(FormParam.class);
                    csrf |= f != null && f.value().equals(UiContext.FIELD);
                }
                assertTrue(csrf, page.getSimpleName() + "." + m.getName() + " takes no csrf field");
            }
        }
        assertTrue(posts >= 10, "form posts found: " + posts);
    }

    @Test
    void everyPageDeclaresWhoMayOpenIt() throws Exception {
        for (Class<?> page : pages()) {
            for (Method m : page.getDeclaredMethods()) {
                if (!m.isAnnotationPresent(POST.class) && !m.isAnnotationPresent(jakarta.ws.rs.GET.class)) {
                    continue;
                }
                boolean roles = m.isAnnotationPresent(RolesAllowed.class) || page.isAnnotationPresent(RolesAllowed.class);
                boolean anyone = m.isAnnotationPresent(PermitAll.class);
                assertTrue(roles || anyone, page.getSimpleName() + "." + m.getName() + " declares no roles");
                if (anyone) {
                    assertTrue(page == LoginPage.class || page == RootPage.class,
                            page.getSimpleName() + "." + m.getName() + " is open to anyone");
                }
                assertFalse(roles && anyone, page.getSimpleName() + "." + m.getName());
            }
        }
    }
}
