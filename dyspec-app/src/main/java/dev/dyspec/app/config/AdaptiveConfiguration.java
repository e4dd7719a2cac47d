package dev.dyspec.app.config;

import dev.dyspec.strategies.AcceptanceModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The shared acceptance model (warm from a file when configured) and the tree cost model. */
@Configuration(proxyBeanMethods = false)
public class AdaptiveConfiguration {

    @Bean
    AcceptanceModel acceptanceModel(DyspecProperties properties) throws IOException {
        DyspecProperties.Calibration c = properties.calibration();
        if (!c.file().isBlank() && Files.isRegularFile(Path.of(c.file()))) {
            return AcceptanceModel.parse(Files.readString(Path.of(c.file())));
        }
        return new AcceptanceModel(c.priorGamma(), 4.0);
    }

    @Bean
    SwappableTreeCost treeCost() {
        return new SwappableTreeCost();
    }
}
