"""neuronscope: train small neural networks on real data and see what every neuron learned."""

__version__ = "0.1.0"
