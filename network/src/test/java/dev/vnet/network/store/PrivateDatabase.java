package dev.vnet.network.store;

import dev.vnet.it.support.PrivatePostgres;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Map;

/**
 * Gives a test's coordinator a PostgreSQL of its own ({@link PrivatePostgres}), which the test stops and starts
 * (a field annotated {@link Server} receives it); the machine's PostgreSQL is never touched. The server is down
 * when the coordinator boots, so that the test sees it wait for its store. On a machine without PostgreSQL's
 * binaries nothing is started: the test aborts itself with {@link PrivatePostgres#missing()}.
 */
public class PrivateDatabase implements QuarkusTestResourceLifecycleManager {

    /** Marks the test's field that receives the running server. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    public @interface Server {}

    private PrivatePostgres postgres;

    @Override
    public Map<String, String> start() {
        if (PrivatePostgres.missing().isPresent()) {
            return Map.of();
        }
        postgres = PrivatePostgres.start();
        postgres.stop();
        return Map.of("vnet.db.url", "postgresql://" + postgres.hostAndPort() + "/postgres");
    }

    @Override
    public void inject(TestInjector injector) {
        if (postgres != null) {
            injector.injectIntoFields(postgres, new TestInjector.AnnotatedAndMatchesType(Server.class,
                    PrivatePostgres.class));
        }
    }

    @Override
    public void stop() {
        if (postgres != null) {
            postgres.close();
        }
    }
}
