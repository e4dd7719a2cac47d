package dev.dyspec.app;

import dev.dyspec.app.cli.BenchCommand;
import dev.dyspec.app.cli.BenchForwardCommand;
import dev.dyspec.app.cli.ChatPromptCommand;
import dev.dyspec.app.cli.CliException;
import dev.dyspec.app.cli.SoakCommand;
import dev.dyspec.app.cli.EvalPairCommand;
import dev.dyspec.app.cli.GenerateCommand;
import dev.dyspec.app.cli.InfoCommand;
import dev.dyspec.app.cli.TrainCommand;
import dev.dyspec.core.checkpoint.CheckpointException;
import dev.dyspec.core.model.TorchThreads;
import java.io.PrintStream;
import java.util.Arrays;

/** The {@code ./dyspec} entry point: {@code serve} starts the service, the other commands run and exit. */
public final class DyspecMain {

    private static final String USAGE = """
            usage: dyspec <command> [options]
              serve           run the OpenAI-compatible service (--target PATH --draft PATH --port N)
              generate        decode from a prompt (--target PATH [--draft PATH --strategy NAME] [--prompt TEXT] ...)
              bench           compare strategies over budgets and temperatures (--target PATH --draft PATH [--quick] ...)
              bench-forward   print the forward cost curve (--model PATH | --synthetic DIMxLAYERS ...)
              train           train a Llama model on text (--corpus FILE --out DIR [--vocab-size N --dim D --layers L ...])
              distill         distill a draft for a target (--target PATH --corpus FILE --out DIR [--temperature T ...])
              eval-pair       perplexities, agreement, expected acceptance and cost ratio of a pair
              chat-prompt     print the prompt a chat request becomes (--model PATH --request FILE [--now YYYY-MM-DD])
              info            family, size, dtypes, context, tokenizer and memory of a model (--model PATH)
              bench-serve     serving benchmark: concurrent streaming clients over HTTP ([--url URL] [--concurrency 1,2,4,8,16] ...)
              soak            load and fault run against a live server (--url URL [--concurrency 64 --duration 10m ...])
            Strategies: target-only, chain, fixed-tree, dyspec, dyspec-threshold, dyspec-calibrated,
            dyspec-calibrated-threshold, ngram-tree, dyspec-ngram.
            """;

    private DyspecMain() {
    }

    public static void main(String[] args) {
        TorchThreads.configure();
        if (args.length > 0 && args[0].equals("serve")) {
            DyspecApplication.run(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "cli-logback.xml");
        }
        System.exit(run(args, System.out, System.err));
    }

    /** Runs a non-server command; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("help")) {
            out.print(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        try {
            return switch (args[0]) {
                case "generate" -> new GenerateCommand(out, err).run(args);
                case "bench-forward" -> new BenchForwardCommand(out).run(args);
                case "bench" -> new BenchCommand(out, err).run(args);
                case "train" -> new TrainCommand(out, err, false).run(args);
                case "distill" -> new TrainCommand(out, err, true).run(args);
                case "eval-pair" -> new EvalPairCommand(out, err).run(args);
                case "chat-prompt" -> new ChatPromptCommand(out).run(args);
                case "soak" -> new SoakCommand(out).run(args);
                case "bench-serve" -> new dev.dyspec.app.cli.BenchServeCommand(out, err).run(args);
                case "info" -> new InfoCommand(out).run(args);
                default -> throw new CliException("unknown command '" + args[0] + "'\n" + USAGE);
            };
        } catch (CliException | CheckpointException | IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return 2;
        } catch (java.io.IOException e) {
            err.println("error: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("error: interrupted");
            return 1;
        } catch (RuntimeException e) {
            err.println("error: " + e);
            return 1;
        }
    }
}
