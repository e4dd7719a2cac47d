package dev.dyspec.app.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GenerationServiceRelaysTest {

    /** Small machines keep one relay (each more is one more wake-up per step); large ones share chunk building. */
    @ParameterizedTest(name = "{0} processors: {1} relays")
    @CsvSource({"1, 1", "2, 1", "7, 1", "8, 2", "16, 4", "96, 4"})
    void relaysGrowWithTheMachineUpToFour(int processors, int relays) {
        assertEquals(relays, GenerationService.relaysFor(processors));
    }
}
