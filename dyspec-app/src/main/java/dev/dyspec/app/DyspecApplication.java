package dev.dyspec.app;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The dyspec service. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class DyspecApplication {

    public static void run(String[] args) {
        SpringApplication.run(DyspecApplication.class, ServeArguments.toSpring(args));
    }
}
