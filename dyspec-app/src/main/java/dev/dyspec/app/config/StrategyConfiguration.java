package dev.dyspec.app.config;

import dev.dyspec.api.AcceptanceEstimator;
import dev.dyspec.api.TreeStrategy;
import dev.dyspec.strategies.AcceptanceModel;
import dev.dyspec.strategies.ChainStrategy;
import dev.dyspec.strategies.DySpecStrategy;
import dev.dyspec.strategies.DySpecThresholdStrategy;
import dev.dyspec.strategies.FixedTreeStrategy;
import dev.dyspec.strategies.NgramTreeStrategy;
import dev.dyspec.strategies.TargetOnlyStrategy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The built-in strategies as beans; a user's own {@link TreeStrategy} bean joins them by its name. */
@Configuration(proxyBeanMethods = false)
public class StrategyConfiguration {

    @Bean
    TreeStrategy targetOnlyStrategy() {
        return new TargetOnlyStrategy();
    }

    @Bean
    TreeStrategy chainStrategy() {
        return new ChainStrategy();
    }

    @Bean
    TreeStrategy fixedTreeStrategy() {
        return new FixedTreeStrategy();
    }

    @Bean
    TreeStrategy dyspecStrategy(SwappableTreeCost cost) {
        return new DySpecStrategy(DySpecStrategy.NAME, AcceptanceEstimator.IDENTITY, cost);
    }

    @Bean
    TreeStrategy dyspecThresholdStrategy() {
        return new DySpecThresholdStrategy();
    }

    @Bean
    TreeStrategy dyspecCalibratedStrategy(AcceptanceModel acceptance, SwappableTreeCost cost) {
        return new DySpecStrategy(DySpecStrategy.CALIBRATED_NAME, acceptance, cost);
    }

    @Bean
    TreeStrategy dyspecCalibratedThresholdStrategy(AcceptanceModel acceptance) {
        return new DySpecThresholdStrategy(DySpecThresholdStrategy.CALIBRATED_NAME, acceptance);
    }

    @Bean
    TreeStrategy ngramTreeStrategy(AcceptanceModel acceptance, SwappableTreeCost cost) {
        return new NgramTreeStrategy(acceptance, cost);
    }

    @Bean
    TreeStrategy dyspecNgramStrategy(AcceptanceModel acceptance, SwappableTreeCost cost) {
        return new DySpecStrategy(DySpecStrategy.NGRAM_NAME, acceptance, cost);
    }
}
