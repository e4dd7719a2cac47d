package dev.dyspec.core.checkpoint;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;

/** Writes float tensors to a {@code .safetensors} file as F32, F16 or BF16. */
public final class SafetensorsWriter {

    public enum Dtype { F32, F16, BF16 }

    private SafetensorsWriter() {
    }

    public static void write(Path file, Collection<WeightTensor> tensors, Dtype dtype) throws IOException {
        int width = dtype == Dtype.F32 ? 4 : 2;
        JsonObject header = new JsonObject();
        long offset = 0;
        for (WeightTensor t : tensors) {
            JsonObject e = new JsonObject();
            e.addProperty("dtype", dtype.name());
            JsonArray shape = new JsonArray();
            for (int d : t.shape()) {
                shape.add(d);
            }
            e.add("shape", shape);
            JsonArray offsets = new JsonArray();
            offsets.add(offset);
            offset += (long) t.data().length * width;
            offsets.add(offset);
            e.add("data_offsets", offsets);
            header.add(t.name(), e);
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int pad = (8 - json.length % 8) % 8; // keep the data section aligned
        byte[] padded = new byte[json.length + pad];
        System.arraycopy(json, 0, padded, 0, json.length);
        for (int i = json.length; i < padded.length; i++) {
            padded[i] = ' ';
        }
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded.length).array());
            out.write(padded);
            for (WeightTensor t : tensors) {
                ByteBuffer b = ByteBuffer.allocate(t.data().length * width).order(ByteOrder.LITTLE_ENDIAN);
                for (float v : t.data()) {
                    switch (dtype) {
                        case F32 -> b.putFloat(v);
                        case F16 -> b.putShort(HalfPrecision.fromFloat(v));
                        case BF16 -> b.putShort((short) (Float.floatToRawIntBits(v) >>> 16));
                    }
                }
                out.write(b.array());
            }
        }
    }
}
