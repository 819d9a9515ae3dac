from setuptools import setup

setup(
    name="slowmath",
    version="0.1.0",
    python_requires=">=3.8",
    packages=["slowmath"],
    install_requires=[],
    extras_require={
        "dev": ["pytest>=7", "pytest-benchmark", "pytest-cov"],
    },
)
