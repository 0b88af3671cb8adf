from setuptools import setup
setup(name="demo", install_requires=["flask"]
