"""Models of NodeWordFrequencyCompute."""

from .model_word_count import ModelWordCount
from .model_word_frequency_request import ModelWordFrequencyRequest
from .model_word_frequency_response import ModelWordFrequencyResponse

__all__ = ["ModelWordCount", "ModelWordFrequencyRequest", "ModelWordFrequencyResponse"]
