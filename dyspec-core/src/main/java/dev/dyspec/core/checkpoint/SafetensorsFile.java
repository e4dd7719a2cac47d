package dev.dyspec.core.checkpoint;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads tensors from a {@code .safetensors} file into float32. The file is memory-mapped per tensor,
 * not read onto the heap whole; BF16 and F16 are widened in Java because DJL aborts the JVM on BF16.
 */
public final class SafetensorsFile {

    private static final long MAX_HEADER_BYTES = 100L << 20;

    /** Where one tensor lies in the file. */
    public record Entry(String name, String dtype, int[] shape, long begin, long end) {
        long numel() {
            long n = 1;
            for (int d : shape) {
                n *= d;
            }
            return n;
        }
    }

    private final Path file;
    private final long dataStart;
    private final Map<String, Entry> entries;

    private SafetensorsFile(Path file, long dataStart, Map<String, Entry> entries) {
        this.file = file;
        this.dataStart = dataStart;
        this.entries = entries;
    }

    public static SafetensorsFile open(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException(file, "file not found");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw new CheckpointException(file, "truncated safetensors file: " + size + " bytes, no header length");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long headerLen = lenBuf.flip().getLong();
            if (headerLen <= 0 || headerLen > MAX_HEADER_BYTES || headerLen > size - 8) {
                throw new CheckpointException(file, "corrupt safetensors header: header length " + headerLen
                        + " does not fit a file of " + size + " bytes");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLen);
            readFully(ch, header, 8);
            String json = new String(header.array(), StandardCharsets.UTF_8);
            long dataStart = 8 + headerLen;
            Map<String, Entry> entries = parseHeader(file, json, size - dataStart);
            return new SafetensorsFile(file, dataStart, entries);
        } catch (IOException e) {
            throw new CheckpointException(file, "cannot read: " + e.getMessage(), e);
        }
    }

    private static Map<String, Entry> parseHeader(Path file, String json, long dataBytes) {
        JsonObject root;
        try {
            root = JsonParser.parseString(json).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new CheckpointException(file, "corrupt safetensors header: not a JSON object (" + e.getMessage() + ")");
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : root.entrySet()) {
            if (e.getKey().equals("__metadata__")) {
                continue;
            }
            try {
                JsonObject t = e.getValue().getAsJsonObject();
                String dtype = t.get("dtype").getAsString();
                var shapeJson = t.getAsJsonArray("shape");
                int[] shape = new int[shapeJson.size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = shapeJson.get(i).getAsInt();
                }
                var offsets = t.getAsJsonArray("data_offsets");
                long begin = offsets.get(0).getAsLong();
                long end = offsets.get(1).getAsLong();
                Entry entry = new Entry(e.getKey(), dtype, shape, begin, end);
                if (begin < 0 || end < begin || end > dataBytes) {
                    throw new CheckpointException(file, "truncated or corrupt: tensor '" + e.getKey() + "' lies at bytes ["
                            + begin + ", " + end + ") but the data section has " + dataBytes + " bytes");
                }
                int width = dtypeWidth(dtype);
                if (width > 0 && entry.numel() * width != end - begin) {
                    throw new CheckpointException(file, "corrupt: tensor '" + e.getKey() + "' of " + entry.numel() + " "
                            + dtype + " values spans " + (end - begin) + " bytes");
                }
                entries.put(e.getKey(), entry);
            } catch (CheckpointException ce) {
                throw ce;
            } catch (RuntimeException re) {
                throw new CheckpointException(file, "corrupt safetensors header entry '" + e.getKey() + "': " + re.getMessage());
            }
        }
        return entries;
    }

    private static int dtypeWidth(String dtype) {
        return switch (dtype) {
            case "F32", "I32", "U32" -> 4;
            case "F16", "BF16", "I16", "U16" -> 2;
            case "F64", "I64", "U64" -> 8;
            case "I8", "U8", "BOOL", "F8_E4M3", "F8_E5M2" -> 1;
            default -> -1;
        };
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
            pos += n;
        }
    }

    public Path file() {
        return file;
    }

    public Set<String> names() {
        return entries.keySet();
    }

    public Entry entry(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new CheckpointException(file, "missing tensor '" + name + "'");
        }
        return e;
    }

    /** Reads a tensor as float32, widening F16 and BF16. */
    public WeightTensor read(String name) {
        Entry e = entry(name);
        if (e.numel() > Integer.MAX_VALUE) {
            throw new CheckpointException(file, "tensor '" + name + "' has " + e.numel() + " values; at most 2^31-1 are supported");
        }
        float[] out = new float[(int) e.numel()];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buf = ch.map(FileChannel.MapMode.READ_ONLY, dataStart + e.begin(), e.end() - e.begin())
                    .order(ByteOrder.LITTLE_ENDIAN);
            switch (e.dtype()) {
                case "F32" -> buf.asFloatBuffer().get(out);
                case "F16" -> {
                    for (int i = 0; i < out.length; i++) {
                        out[i] = HalfPrecision.toFloat(buf.getShort());
                    }
                }
                case "BF16" -> {
                    for (int i = 0; i < out.length; i++) {
                        out[i] = Float.intBitsToFloat((buf.getShort() & 0xFFFF) << 16);
                    }
                }
                default -> throw new CheckpointException(file, "tensor '" + name + "' has unsupported dtype " + e.dtype()
                        + " (supported: F32, F16, BF16)");
            }
        } catch (IOException ex) {
            throw new CheckpointException(file, "cannot read tensor '" + name + "': " + ex.getMessage(), ex);
        }
        return new WeightTensor(name, e.shape(), out);
    }
}
