"""Topic modelling of open answers: offline, Swedish + English, every row accounted for."""

from survey_tools.topics.cluster import AutoKMeans
from survey_tools.topics.model import STATUSES, TopicEdits, TopicModel

__all__ = ["AutoKMeans", "STATUSES", "TopicEdits", "TopicModel"]
