package dev.dyspec.core.testing;

import ai.djl.Device;
import dev.dyspec.core.checkpoint.Checkpoint;
import dev.dyspec.core.checkpoint.ModelConfig;
import dev.dyspec.core.checkpoint.WeightTensor;
import dev.dyspec.core.model.CausalLm;
import dev.dyspec.core.model.ForwardBackend;
import dev.dyspec.core.model.LanguageModel;
import dev.dyspec.core.model.PromptTemplate;
import dev.dyspec.core.tokenizer.TextTokenizer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** In-memory random models wrapped as {@link LanguageModel}s, with a trivial tokenizer. */
public final class TestModels {

    private TestModels() {
    }

    /** A target and a draft that mostly agrees with it. */
    public record Pair(ModelConfig config, LanguageModel target, LanguageModel draft) {
    }

    /**
     * The tiny pair the distribution tests enumerate exactly: a 6-token vocabulary (start 1, end 2), one
     * layer, the draft a noisy copy of the target.
     */
    public static Pair smallPair() {
        ModelConfig config = RandomModels.config(16, 32, 1, 2, 1, 6, 32, false);
        return new Pair(config, random(config, 21, 66), perturbed(config, 21, 1.0, 66));
    }

    public static LanguageModel random(ModelConfig config, long seed, int extraPositions) {
        return wrap(RandomModels.checkpoint(config, seed), extraPositions);
    }

    /** {@link #random} computed by the given forward kernel. */
    public static LanguageModel random(ModelConfig config, long seed, int extraPositions, ForwardBackend backend) {
        return wrap(RandomModels.checkpoint(config, seed), extraPositions, backend);
    }

    /** The same model with Gaussian noise added to every weight: a draft that mostly agrees. */
    public static LanguageModel perturbed(ModelConfig config, long seed, double noise, int extraPositions) {
        return perturbed(config, seed, noise, extraPositions, ForwardBackend.defaultFor(Device.cpu()));
    }

    /** {@link #perturbed} computed by the given forward kernel. */
    public static LanguageModel perturbed(ModelConfig config, long seed, double noise, int extraPositions,
                                          ForwardBackend backend) {
        Random r = new Random(seed * 7919);
        Map<String, WeightTensor> w = new LinkedHashMap<>();
        for (WeightTensor t : RandomModels.weights(config, seed).values()) {
            float[] d = t.data().clone();
            for (int i = 0; i < d.length; i++) {
                d[i] += (float) (noise * r.nextGaussian() * (t.shape().length == 1 ? 0.1 : 1.0 / Math.sqrt(t.shape()[t.shape().length - 1])));
            }
            w.put(t.name(), new WeightTensor(t.name(), t.shape(), d));
        }
        return wrap(new Checkpoint(Path.of("perturbed-" + seed), config, w), extraPositions, backend);
    }

    private static LanguageModel wrap(Checkpoint c, int extraPositions) {
        return wrap(c, extraPositions, ForwardBackend.defaultFor(Device.cpu()));
    }

    private static LanguageModel wrap(Checkpoint c, int extraPositions, ForwardBackend backend) {
        CausalLm lm = new CausalLm(c, Device.cpu(), c.config().maxPositions() + extraPositions,
                c.config().vocabSize(), backend);
        return new LanguageModel(c.source().toString(), c.source(), lm, new IdTokenizer(c.config().vocabSize()),
                PromptTemplate.none());
    }

    /** Text is the ids written out: "[3][17]". */
    static final class IdTokenizer implements TextTokenizer {
        private final int vocab;

        IdTokenizer(int vocab) {
            this.vocab = vocab;
        }

        /** "[n]" groups become id n; any other character c becomes 3 + c mod (vocab - 3). */
        @Override
        public int[] encode(String text) {
            java.util.List<Integer> ids = new java.util.ArrayList<>();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\[(\\d+)]|(.)", java.util.regex.Pattern.DOTALL)
                    .matcher(text);
            while (m.find()) {
                ids.add(m.group(1) != null ? Integer.parseInt(m.group(1)) : 3 + m.group(2).charAt(0) % (vocab - 3));
            }
            return ids.stream().mapToInt(Integer::intValue).toArray();
        }

        @Override
        public String decode(int[] ids) {
            StringBuilder b = new StringBuilder();
            for (int id : ids) {
                b.append('[').append(id).append(']');
            }
            return b.toString();
        }

        @Override
        public int vocabSize() {
            return vocab;
        }
    }
}
