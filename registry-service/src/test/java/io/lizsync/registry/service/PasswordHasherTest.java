package io.lizsync.registry.service;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.lizsync.registry.config.RegistryConfig;

class PasswordHasherTest {

    static RegistryConfig config(int iterations) {
        return new RegistryConfig() {
            @Override
            public int maxMessageBytes() {
                return 8 * 1024 * 1024;
            }

            @Override
            public Passwords passwords() {
                return new Passwords() {
                    @Override
                    public int pbkdf2Iterations() {
                        return iterations;
                    }

                    @Override
                    public int minLength() {
                        return 8;
                    }
                };
            }

            @Override
            public Sessions sessions() {
                return new Sessions() {
                    @Override
                    public Duration defaultTtl() {
                        return Duration.ofHours(1);
                    }

                    @Override
                    public Duration maxTtl() {
                        return Duration.ofHours(24);
                    }
                };
            }

            @Override
            public AccessTokens accessTokens() {
                throw new UnsupportedOperationException("not used by the hasher");
            }

            @Override
            public Logins logins() {
                throw new UnsupportedOperationException("not used by the hasher");
            }

            @Override
            public Bootstrap bootstrap() {
                throw new UnsupportedOperationException("not used by the hasher");
            }

            @Override
            public Paging paging() {
                return new Paging() {
                    @Override
                    public int defaultPageSize() {
                        return 100;
                    }

                    @Override
                    public int maxPageSize() {
                        return 1000;
                    }
                };
            }
        };
    }

    private final PasswordHasher hasher = new PasswordHasher(config(1000));

    @Test
    void verifiesTheRightPasswordOnly() {
        String hash = hasher.hash("s3cret pässword");
        assertTrue(hash.startsWith("pbkdf2_sha256$1000$"));
        assertFalse(hash.contains("s3cret"));
        assertTrue(hasher.verify("s3cret pässword", hash));
        assertFalse(hasher.verify("s3cret password", hash));
        assertFalse(hasher.verify("", hash));
    }

    @Test
    void saltsDiffer() {
        assertNotEquals(hasher.hash("same"), hasher.hash("same"));
    }

    @Test
    void hashesKeepTheirIterationCount() {
        String oldHash = new PasswordHasher(config(2000)).hash("pw-12345");
        assertTrue(hasher.verify("pw-12345", oldHash));
    }

    @Test
    void malformedStoredHashesFail() {
        assertFalse(hasher.verify("x", null));
        assertFalse(hasher.verify("x", "plain text"));
        assertFalse(hasher.verify("x", "pbkdf2_sha256$abc$!!$!!"));
        assertFalse(hasher.verify("x", "md5$1$2$3"));
    }

    @Test
    void refusesWeakIterationCounts() {
        assertThrows(IllegalArgumentException.class, () -> new PasswordHasher(config(10)));
    }
}
