"""Charts in the house style: each draws a table from :mod:`survey_tools.stats.tables`.

Every function takes the table first, everything else keyword-only, draws on ``ax`` (a
new figure when None) and returns the ``Axes``.
"""

from survey_tools.report.charts.bars import plot_frequency, plot_grouped
from survey_tools.report.charts.change import plot_change
from survey_tools.report.charts.effects import plot_effects
from survey_tools.report.charts.likert import plot_likert
from survey_tools.report.charts.time import plot_over_time
from survey_tools.report.charts.topics import plot_topic_heatmap

__all__ = ["plot_frequency", "plot_grouped", "plot_likert", "plot_change", "plot_topic_heatmap",
           "plot_over_time", "plot_effects"]
