/* amkit.powershell._grammar: the PowerShell grammar in this folder, compiled into amkit.
 * language() returns the TSLanguage as the capsule py-tree-sitter's Language() takes. */
#include <Python.h>

typedef struct TSLanguage TSLanguage;

TSLanguage *tree_sitter_powershell(void);

static PyObject *language(PyObject *Py_UNUSED(self), PyObject *Py_UNUSED(args)) {
    return PyCapsule_New(tree_sitter_powershell(), "tree_sitter.Language", NULL);
}

static PyMethodDef methods[] = {
    {"language", language, METH_NOARGS, "The PowerShell grammar, as a capsule for tree_sitter.Language."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef_Slot slots[] = {
#ifdef Py_GIL_DISABLED
    {Py_mod_gil, Py_MOD_GIL_NOT_USED},
#endif
    {0, NULL},
};

static struct PyModuleDef module = {
    .m_base = PyModuleDef_HEAD_INIT,
    .m_name = "_grammar",
    .m_size = 0,
    .m_methods = methods,
    .m_slots = slots,
};

PyMODINIT_FUNC PyInit__grammar(void) { return PyModuleDef_Init(&module); }
