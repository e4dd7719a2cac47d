package dev.dyspec.core.checkpoint;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * A checkpoint's tensors, read from their safetensors file (widened to float32 and checked finite) each
 * time one is asked for and never kept. The engine uploads one tensor at a time, so loading holds the
 * model once in engine memory plus one tensor on the heap, not the whole model twice.
 */
final class LazyWeights extends AbstractMap<String, WeightTensor> {

    private final Map<String, SafetensorsFile> fileOf; // in the checkpoint's tensor order
    private final LongConsumer elementsRead;

    /** @param elementsRead told the element count of each tensor read, for progress */
    LazyWeights(Map<String, SafetensorsFile> fileOf, LongConsumer elementsRead) {
        this.fileOf = new LinkedHashMap<>(fileOf);
        this.elementsRead = elementsRead;
    }

    @Override
    public boolean containsKey(Object key) {
        return fileOf.containsKey(key);
    }

    @Override
    public WeightTensor get(Object key) {
        SafetensorsFile f = fileOf.get(key);
        if (f == null) {
            return null;
        }
        WeightTensor t = f.read((String) key);
        t.requireFinite(f.file());
        elementsRead.accept(t.data().length);
        return t;
    }

    @Override
    public int size() {
        return fileOf.size();
    }

    @Override
    public Set<String> keySet() {
        return java.util.Collections.unmodifiableSet(fileOf.keySet());
    }

    @Override
    public Set<Entry<String, WeightTensor>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, WeightTensor>> iterator() {
                Iterator<String> names = fileOf.keySet().iterator();
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return names.hasNext();
                    }

                    @Override
                    public Entry<String, WeightTensor> next() {
                        String name = names.next();
                        return new SimpleImmutableEntry<>(name, get(name));
                    }
                };
            }

            @Override
            public int size() {
                return fileOf.size();
            }
        };
    }
}
