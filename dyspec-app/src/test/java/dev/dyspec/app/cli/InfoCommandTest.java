package dev.dyspec.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dyspec.app.DyspecMain;
import dev.dyspec.app.ShippedPair;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class InfoCommandTest {

    @Test
    void describesTheShippedTargetFromItsHeaders() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = DyspecMain.run(new String[] {"info", "--model", ShippedPair.target().toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("family      llama", "8 layers, hidden 256",
                "context     512 tokens", "tokenizer   4096 tokens", "{F16=",
                // 1.0M embedding values at 4 bytes, 6.3M others and the tied head's 1.0M at 2 (F32: 4 each)
                "18.1 MiB of weights on the Java kernel (kept as F16, embedding table F32), 32.1 MiB on the torch kernel");
    }
}
