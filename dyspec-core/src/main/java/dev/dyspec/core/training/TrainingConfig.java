package dev.dyspec.core.training;

/**
 * How to train.
 *
 * @param teacherTemperature null for plain next-token training; set for distillation from a teacher
 * @param stopAt the step to stop at (the schedule spans {@code steps}; a later run resumes)
 */
public record TrainingConfig(int steps, int batchSize, int sequenceLength, double learningRate, double minLearningRate,
                             int warmupSteps, double weightDecay, double gradientClip, int evalEvery, int evalBatches,
                             int checkpointEvery, long seed, Float teacherTemperature, int stopAt) {

    public TrainingConfig(int steps, int batchSize, int sequenceLength, double learningRate, double minLearningRate,
                          int warmupSteps, double weightDecay, double gradientClip, int evalEvery, int evalBatches,
                          int checkpointEvery, long seed, Float teacherTemperature) {
        this(steps, batchSize, sequenceLength, learningRate, minLearningRate, warmupSteps, weightDecay, gradientClip,
                evalEvery, evalBatches, checkpointEvery, seed, teacherTemperature, steps);
    }

    public TrainingConfig {
        if (steps < 1 || batchSize < 1 || sequenceLength < 2 || !(learningRate > 0) || warmupSteps < 0
                || evalEvery < 1 || evalBatches < 1 || checkpointEvery < 1) {
            throw new IllegalArgumentException("invalid training configuration: " + this);
        }
    }

    /** The same run, stopped after {@code n} steps (the schedule still spans {@code steps}). */
    public TrainingConfig withSteps(int n) {
        return new TrainingConfig(steps, batchSize, sequenceLength, learningRate, minLearningRate, warmupSteps, weightDecay,
                gradientClip, evalEvery, evalBatches, checkpointEvery, seed, teacherTemperature, Math.min(n, steps));
    }

    /** Linear warm-up, then cosine decay to the minimum. */
    public double learningRateAt(int step) {
        if (step < warmupSteps) {
            return learningRate * (step + 1) / warmupSteps;
        }
        double progress = (double) (step - warmupSteps) / Math.max(1, steps - warmupSteps);
        return minLearningRate + 0.5 * (learningRate - minLearningRate) * (1 + Math.cos(Math.PI * Math.min(1, progress)));
    }
}
