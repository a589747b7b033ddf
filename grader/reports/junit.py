"""JUnit XML: one testsuite per tier, so CI systems show the tiers as groups."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from grader.model import LabReport, Tier


def to_junit(report: LabReport) -> str:
    suites = ET.Element(
        "testsuites",
        name=f"grader {report.lab}",
        tests=str(len(report.tests)),
        failures=str(sum(t.status == "failed" for t in report.tests)),
        errors=str(sum(t.status == "error" for t in report.tests)),
    )
    if report.status.value != "graded":
        suite = ET.SubElement(suites, "testsuite", name=report.lab, tests="1", errors="1")
        case = ET.SubElement(suite, "testcase", classname=report.lab, name="gradable")
        ET.SubElement(case, "error", message=report.status.value).text = "\n".join(report.problems)
    for tier in Tier:
        tests = [t for t in report.tests if t.tier is tier]
        if not tests:
            continue
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=f"{report.lab}.{tier.value}",
            tests=str(len(tests)),
            failures=str(sum(t.status == "failed" for t in tests)),
            errors=str(sum(t.status == "error" for t in tests)),
        )
        for test in tests:
            case = ET.SubElement(suite, "testcase", classname=f"{report.lab}.{tier.value}", name=test.id)
            ET.SubElement(case, "properties").extend(
                [
                    ET.Element("property", name="score", value=str(test.score)),
                    ET.Element("property", name="max_score", value=str(test.max_score)),
                    ET.Element("property", name="concepts", value=",".join(test.concepts)),
                ]
            )
            if test.status != "passed":
                tag = "failure" if test.status == "failed" else "error"
                ET.SubElement(case, tag, message=test.message.splitlines()[0]).text = test.message
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"
