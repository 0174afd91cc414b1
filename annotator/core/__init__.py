"""The domain, with no Qt: records, the store, import, pre-annotation.

Everything here runs headless; the GUI (`annotator.gui`) and the command line
(`annotator.cli`) are thin layers over it. A test checks that nothing in this
package imports Qt.
"""
