from workshop.charts import cumulative, paired_bars, score_dots


def test_cumulative_line_climbs_to_the_running_total_under_the_target():
    chart = cumulative([("1 Jan", 1), ("2 Jan", 0), ("3 Jan", 2)], title="Reviews", target=6)

    ys = [float(p.split(",")[1]) for p in chart.points.split()]
    assert ys == sorted(ys, reverse=True)  # never goes down the page
    assert chart.summary == "3 of 6 by 3 Jan"
    assert chart.target_y == 0.0


def test_cumulative_of_one_day_is_a_flat_line():
    chart = cumulative([("1 Jan", 2)], title="Reviews")

    assert len(chart.points.split()) == 2


def test_score_dots_stack_equal_scores_and_spread_the_scale():
    dots = score_dots([4, 2, 4], low=1, high=5)

    assert [d.value for d in dots] == [2, 4, 4]
    assert dots[1].x == dots[2].x and dots[2].y < dots[1].y
    assert dots[0].x < dots[1].x


def test_paired_bars_share_one_scale_and_shorten_long_labels():
    chart = paired_bars([
        {"value": "Evasion", "submitted": 10, "accepted": 4, "rate": 0.4},
        {"value": "A very long category name that would run into the bars", "submitted": 5, "accepted": 5,
         "rate": 1.0},
    ])

    evasion, long = chart.rows
    assert evasion.submitted_w == 280 and evasion.accepted_w == 112
    assert long.submitted_w == long.accepted_w == 140
    assert long.short.endswith("…") and len(long.short) == 28
    assert long.y > evasion.y and chart.height >= long.y + 22
    assert evasion.label_x == chart.label_width + 280 + 6  # the count sits right of the longest bar


def test_line_chart_labels_stay_inside_the_picture():
    """Issue 18, item 12: the last day's label ran past the right edge."""
    days = [(f"{n} Nov", n % 3) for n in range(1, 15)]

    chart = cumulative(days, title="Submitted reviews", target=30)

    assert chart.labels[0][1:] == ("1 Nov", "start")
    assert chart.labels[-1][1:] == ("14 Nov", "end")
    assert chart.labels[-1][0] == 356  # the end of the axis
    assert all(anchor == "middle" for _, _, anchor in chart.labels[1:-1])
    assert len(chart.labels) == len({x for x, _, _ in chart.labels})
