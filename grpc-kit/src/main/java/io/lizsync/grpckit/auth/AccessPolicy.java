package io.lizsync.grpckit.auth;

import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One service's access table: for every RPC it serves, who may call it. Built once, at start-up,
 * from the service descriptors: a table that leaves an RPC out does not build (so a new RPC cannot
 * go unchecked), and a call to a method the table does not know is refused by
 * {@link AccessInterceptor} (fail closed).
 */
public final class AccessPolicy {

    private final Map<String, AccessRule> rules;
    private final Set<String> openServices;

    private AccessPolicy(Map<String, AccessRule> rules, Set<String> openServices) {
        this.rules = Collections.unmodifiableMap(rules);
        this.openServices = Set.copyOf(openServices);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The rule of a method by its full name ({@code package.Service/Method}), if the table has one. */
    public Optional<AccessRule> ruleFor(String fullMethodName) {
        AccessRule rule = rules.get(fullMethodName);
        if (rule == null && openServices.contains(MethodDescriptor.extractFullServiceName(fullMethodName))) {
            return Optional.of(new AccessRule.Anyone());
        }
        return Optional.ofNullable(rule);
    }

    /**
     * This table for a process that serves only {@code services} (full service names): every
     * method of another service becomes {@link AccessRule.NotServed} with {@code why}; open
     * services (health) stay open.
     */
    public AccessPolicy servingOnly(Set<String> services, String why) {
        Map<String, AccessRule> narrowed = new LinkedHashMap<>();
        rules.forEach((method, rule) -> narrowed.put(method,
                services.contains(MethodDescriptor.extractFullServiceName(method)) ? rule : new AccessRule.NotServed(why)));
        return new AccessPolicy(narrowed, openServices);
    }

    /** Every method of the table with its rule, in the order they were given (for the tests over every RPC). */
    public Map<String, AccessRule> rules() {
        return rules;
    }

    /** Builds a table; {@link #build()} checks that every method of every service given has a rule. */
    public static final class Builder {

        private final List<ServiceDescriptor> services = new ArrayList<>();
        private final Map<String, AccessRule> rules = new LinkedHashMap<>();
        private final Set<String> openServices = new LinkedHashSet<>();

        /** The services whose every method must have a rule. */
        public Builder services(ServiceDescriptor... descriptors) {
            services.addAll(Arrays.asList(descriptors));
            return this;
        }

        /** A whole service open to anyone (gRPC health): named, so it is a decision, not a default. */
        public Builder openService(String fullServiceName) {
            openServices.add(fullServiceName);
            return this;
        }

        public Builder roles(MethodDescriptor<?, ?> method, String... roles) {
            return rule(method, new AccessRule.AnyRole(Set.of(roles)));
        }

        public Builder anyone(MethodDescriptor<?, ?> method) {
            return rule(method, new AccessRule.Anyone());
        }

        public Builder cloneCredential(MethodDescriptor<?, ?> method) {
            return rule(method, new AccessRule.CloneCredential());
        }

        public Builder rule(MethodDescriptor<?, ?> method, AccessRule rule) {
            if (rules.putIfAbsent(method.getFullMethodName(), rule) != null) {
                throw new IllegalStateException("two access rules for " + method.getFullMethodName());
            }
            return this;
        }

        public AccessPolicy build() {
            Set<String> known = new LinkedHashSet<>();
            List<String> missing = new ArrayList<>();
            for (ServiceDescriptor s : services) {
                for (MethodDescriptor<?, ?> m : s.getMethods()) {
                    known.add(m.getFullMethodName());
                    if (!rules.containsKey(m.getFullMethodName())) {
                        missing.add(m.getFullMethodName());
                    }
                }
            }
            if (!missing.isEmpty()) {
                throw new IllegalStateException("the access table names no rule for " + missing);
            }
            List<String> stray = rules.keySet().stream().filter(m -> !known.contains(m)).toList();
            if (!stray.isEmpty()) {
                throw new IllegalStateException("access rules for methods of services not given: " + stray);
            }
            return new AccessPolicy(new LinkedHashMap<>(rules), openServices);
        }
    }
}
