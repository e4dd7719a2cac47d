package dev.dyspec.core.checkpoint.family;

import dev.dyspec.core.checkpoint.ConfigFile;
import java.util.List;

/** The families dyspec loads, registered in this one place. */
public final class ModelFamilies {

    private static final List<ModelFamily> ALL = List.of(new LlamaFamily(), new MistralFamily(), new Qwen2Family(),
            new Qwen3Family());

    private ModelFamilies() {
    }

    public static List<ModelFamily> all() {
        return ALL;
    }

    /** The family named by the config's {@code architectures} (or, without it, {@code model_type}). */
    public static ModelFamily of(ConfigFile c, List<String> architectures) {
        for (ModelFamily f : ALL) {
            if (architectures.contains(f.architecture())
                    || (architectures.isEmpty() && c.string("model_type", "").equals(f.name()))) {
                return f;
            }
        }
        throw c.refuse("architectures", "names an unsupported architecture " + (architectures.isEmpty() ? "missing (model_type '"
                + c.string("model_type", "") + "')" : architectures) + "; dyspec loads "
                + ALL.stream().map(ModelFamily::architecture).toList());
    }

}
