package dev.dyspec.app;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The dyspec service. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class DyspecApplication {

    public static void run(String[] args) {
        start(args);
    }

    /** Starts the service with {@code serve}'s arguments and returns its running context. */
    public static org.springframework.context.ConfigurableApplicationContext start(String[] args) {
        return SpringApplication.run(DyspecApplication.class, ServeArguments.toSpring(args));
    }
}
