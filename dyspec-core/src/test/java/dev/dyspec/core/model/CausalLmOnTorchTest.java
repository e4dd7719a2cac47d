package dev.dyspec.core.model;

/** The forward contract on DJL's PyTorch engine (what runs on GPUs). */
class CausalLmOnTorchTest extends CausalLmTest {

    @Override
    ForwardBackend backend() {
        return ForwardBackend.TORCH;
    }
}
