/*
 * reportlab_analysis._segment: jieba 0.42.1's segmentation (jieba.cut with cut_all=False), compiled.
 *
 * The Python side (tokenize.py) hands over the dictionary as jieba reads it (Tokenizer.gen_pfdict) and jieba's
 * HMM tables (jieba.finalseg), so the model is jieba's; this file only repeats jieba's algorithm step by step:
 *
 *   cut:           text -> blocks of [\u4E00-\u9FD5a-zA-Z0-9+#&._%-]; any other character is a token of its own
 *                  ("\r\n" is one token)
 *   block:         prefix DAG, best route by log frequency (ties: the longer word), runs of single characters
 *                  that are not a word go to the HMM (hmm=True), or runs of ASCII letters/digits are glued
 *                  (hmm=False)
 *   HMM run:       Han runs by Viterbi over B/E/M/S (ties: the later state letter, as Python's max of tuples),
 *                  other runs split at [a-zA-Z0-9]+(?:\.\d+)?%?
 *
 * Floating-point sums are done in jieba's order, so routes and tie-breaks are the same. Tests compare every
 * paragraph of the bundled corpora and random strings with jieba.lcut.
 *
 * cut_filtered() segments a batch of texts joined by a separator character and returns one token list per
 * text, each token replaced by memo[token] and dropped when that is "". A token that is a node of the
 * dictionary trie looks its replacement up in a per-node list, so most tokens never become a Python string.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#define MIN_FLOAT (-3.14e100)
#define HAN_FIRST 0x4E00
#define HAN_LAST 0x9FD5
#define FLAG_WORD 1
#define FLAG_CHILDREN 2

/* HMM states in alphabetical order, so that "the later letter wins a tie" is "the larger index wins". */
enum { ST_B = 0, ST_E = 1, ST_M = 2, ST_S = 3 };
static const int PREV_STATES[4][2] = {
    /* B */ {ST_E, ST_S},
    /* E */ {ST_B, ST_M},
    /* M */ {ST_M, ST_B},
    /* S */ {ST_S, ST_E},
};

typedef struct {
    uint64_t key; /* ((parent << 21) | code point) + 1; 0 marks an empty slot */
    uint32_t child;
} Slot;

typedef struct {
    PyObject_HEAD
    uint32_t n_nodes;
    uint32_t cap_nodes;
    double *logp;         /* log(freq) - log(total) of a word node */
    uint8_t *flags;       /* FLAG_WORD (freq > 0), FLAG_CHILDREN */
    uint32_t *root_bmp;   /* children of the root for code points below 0x10000; 0 = none (the root is node 0) */
    Slot *slots;          /* all other children, open addressing */
    uint64_t mask;
    double log_total;
    double start[4];
    double trans[4][4];   /* trans[from][to] */
    double (*emit)[4];    /* emit[c - HAN_FIRST][state] */
} Segmenter;

/* ------------------------------------------------------------------------------------------------------ */
/* character classes (jieba's regular expressions)                                                          */
/* ------------------------------------------------------------------------------------------------------ */
static inline int is_ascii_alnum(Py_UCS4 c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline int is_han(Py_UCS4 c) { return c >= HAN_FIRST && c <= HAN_LAST; }

/* re_han_default: [\u4E00-\u9FD5a-zA-Z0-9+#&\._%\-] */
static inline int in_block(Py_UCS4 c) {
    return is_han(c) || is_ascii_alnum(c) || c == '+' || c == '#' || c == '&' || c == '.' || c == '_' ||
           c == '%' || c == '-';
}

static inline int is_private_use(Py_UCS4 c) {
    return (c >= 0xE000 && c <= 0xF8FF) || c >= 0xF0000;
}

/* ------------------------------------------------------------------------------------------------------ */
/* trie                                                                                                     */
/* ------------------------------------------------------------------------------------------------------ */
static inline uint64_t mix64(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

static inline uint32_t trie_child(const Segmenter *s, uint32_t node, Py_UCS4 c) {
    if (node == 0 && c < 0x10000) return s->root_bmp[c];
    uint64_t key = ((((uint64_t)node) << 21) | (uint64_t)c) + 1;
    uint64_t h = mix64(key) & s->mask;
    for (;;) {
        uint64_t k = s->slots[h].key;
        if (k == key) return s->slots[h].child;
        if (k == 0) return 0;
        h = (h + 1) & s->mask;
    }
}

static int trie_grow_nodes(Segmenter *s) {
    uint32_t cap = s->cap_nodes ? s->cap_nodes * 2 : 1024;
    double *logp = PyMem_Realloc(s->logp, sizeof(double) * cap);
    if (!logp) return -1;
    s->logp = logp;
    uint8_t *flags = PyMem_Realloc(s->flags, cap);
    if (!flags) return -1;
    s->flags = flags;
    s->cap_nodes = cap;
    return 0;
}

/* The child of node for c, created if missing; 0 on memory error. */
static uint32_t trie_add_child(Segmenter *s, uint32_t node, Py_UCS4 c) {
    uint32_t found = trie_child(s, node, c);
    if (found) return found;
    if (s->n_nodes == s->cap_nodes && trie_grow_nodes(s) < 0) return 0;
    uint32_t child = s->n_nodes++;
    s->logp[child] = 0.0;
    s->flags[child] = 0;
    s->flags[node] |= FLAG_CHILDREN;
    if (node == 0 && c < 0x10000) {
        s->root_bmp[c] = child;
        return child;
    }
    uint64_t key = ((((uint64_t)node) << 21) | (uint64_t)c) + 1;
    uint64_t h = mix64(key) & s->mask;
    while (s->slots[h].key != 0) h = (h + 1) & s->mask;
    s->slots[h].key = key;
    s->slots[h].child = child;
    return child;
}

/* The node of text[start:end], 0 if it is no key of the prefix dictionary. */
static inline uint32_t trie_find(const Segmenter *s, int kind, const void *data, Py_ssize_t start, Py_ssize_t end) {
    uint32_t node = 0;
    for (Py_ssize_t i = start; i < end; i++) {
        node = trie_child(s, node, PyUnicode_READ(kind, data, i));
        if (!node) return 0;
    }
    return node;
}

/* ------------------------------------------------------------------------------------------------------ */
/* one cut: where tokens go                                                                                 */
/* ------------------------------------------------------------------------------------------------------ */
typedef struct {
    Segmenter *seg;
    PyObject *text;
    int kind;
    const void *data;
    PyObject *out;        /* the current token list */
    /* cut_filtered only */
    PyObject *batches;    /* list of token lists, one per text */
    PyObject *memo;
    PyObject *node_cache; /* list: node -> replacement, None when not looked up yet */
    Py_UCS4 separator;
    int filtered;
    /* buffers, grown to the longest block */
    Py_ssize_t cap;
    double *route_p;
    Py_ssize_t *route_x;
    uint32_t *route_node;
    uint8_t *back;        /* Viterbi back pointers, 4 per character */
} Cut;

static int cut_reserve(Cut *c, Py_ssize_t n) {
    if (n <= c->cap) return 0;
    Py_ssize_t cap = c->cap ? c->cap : 256;
    while (cap < n) cap *= 2;
    double *p = PyMem_Realloc(c->route_p, sizeof(double) * cap);
    if (!p) goto nomem;
    c->route_p = p;
    Py_ssize_t *x = PyMem_Realloc(c->route_x, sizeof(Py_ssize_t) * cap);
    if (!x) goto nomem;
    c->route_x = x;
    uint32_t *nd = PyMem_Realloc(c->route_node, sizeof(uint32_t) * cap);
    if (!nd) goto nomem;
    c->route_node = nd;
    uint8_t *b = PyMem_Realloc(c->back, 4 * (size_t)cap);
    if (!b) goto nomem;
    c->back = b;
    c->cap = cap;
    return 0;
nomem:
    PyErr_NoMemory();
    return -1;
}

static void cut_free(Cut *c) {
    PyMem_Free(c->route_p);
    PyMem_Free(c->route_x);
    PyMem_Free(c->route_node);
    PyMem_Free(c->back);
}

/* The replacement of text[start:end] from the memo (a new reference). */
static PyObject *memo_lookup(Cut *c, Py_ssize_t start, Py_ssize_t end) {
    PyObject *token = PyUnicode_Substring(c->text, start, end);
    if (!token) return NULL;
    PyObject *result = PyObject_GetItem(c->memo, token);
    Py_DECREF(token);
    if (result && !PyUnicode_Check(result)) {
        PyErr_Format(PyExc_TypeError, "the token memo must map to str, not %.100s", Py_TYPE(result)->tp_name);
        Py_CLEAR(result);
    }
    return result;
}

/* Emit text[start:end]; node is its trie node when known, else 0 (then it is looked up if needed). */
static int emit(Cut *c, Py_ssize_t start, Py_ssize_t end, uint32_t node) {
    if (!c->filtered) {
        PyObject *token = PyUnicode_Substring(c->text, start, end);
        if (!token) return -1;
        int rc = PyList_Append(c->out, token);
        Py_DECREF(token);
        return rc;
    }
    if (end - start == 1) {
        Py_UCS4 ch = PyUnicode_READ(c->kind, c->data, start);
        if (ch == c->separator) {
            PyObject *next = PyList_New(0);
            if (!next) return -1;
            int rc = PyList_Append(c->batches, next);
            Py_DECREF(next);
            c->out = next; /* borrowed: batches holds it */
            return rc;
        }
        if (is_private_use(ch)) node = 0; /* term markers are reassigned for every batch: always ask the memo */
        else if (!node) node = trie_child(c->seg, 0, ch);
    } else if (!node) {
        node = trie_find(c->seg, c->kind, c->data, start, end);
    }
    PyObject *result = NULL;
    if (node && (Py_ssize_t)node < PyList_GET_SIZE(c->node_cache)) {
        result = PyList_GET_ITEM(c->node_cache, node);
        if (result == Py_None) {
            result = NULL;
        } else if (!PyUnicode_Check(result)) {
            PyErr_Format(PyExc_TypeError, "node_cache items must be str or None, not %.100s", Py_TYPE(result)->tp_name);
            return -1;
        } else {
            Py_INCREF(result);
        }
    } else {
        node = 0;
    }
    if (!result) {
        result = memo_lookup(c, start, end);
        if (!result) return -1;
        /* The memo ran Python code: another thread or a callback may have changed the list meanwhile. */
        if (node && (Py_ssize_t)node < PyList_GET_SIZE(c->node_cache) &&
            PyList_GET_ITEM(c->node_cache, node) == Py_None) {
            Py_INCREF(result);
            if (PyList_SetItem(c->node_cache, node, result) < 0) { /* steals one reference, releases None */
                Py_DECREF(result);
                return -1;
            }
        }
    }
    int rc = PyUnicode_GET_LENGTH(result) == 0 ? 0 : PyList_Append(c->out, result);
    Py_DECREF(result);
    return rc;
}

/* ------------------------------------------------------------------------------------------------------ */
/* HMM (jieba.finalseg)                                                                                     */
/* ------------------------------------------------------------------------------------------------------ */
static inline double emit_p(const Segmenter *s, int state, Py_UCS4 ch) {
    return s->emit[ch - HAN_FIRST][state]; /* only Han characters reach the Viterbi */
}

/* finalseg.__cut on a run of Han characters. */
static int hmm_han_run(Cut *c, Py_ssize_t start, Py_ssize_t end) {
    const Segmenter *s = c->seg;
    Py_ssize_t n = end - start;
    uint8_t *back = c->back;
    double v[4], nv[4];
    Py_UCS4 ch = PyUnicode_READ(c->kind, c->data, start);
    for (int y = 0; y < 4; y++) v[y] = s->start[y] + emit_p(s, y, ch);
    for (Py_ssize_t t = 1; t < n; t++) {
        ch = PyUnicode_READ(c->kind, c->data, start + t);
        for (int y = 0; y < 4; y++) {
            double em = emit_p(s, y, ch);
            int a = PREV_STATES[y][0], b = PREV_STATES[y][1];
            double pa = v[a] + s->trans[a][y] + em;
            double pb = v[b] + s->trans[b][y] + em;
            int best = (pb > pa || (pb == pa && b > a)) ? b : a;
            nv[y] = best == a ? pa : pb;
            back[4 * t + y] = (uint8_t)best;
        }
        memcpy(v, nv, sizeof v);
    }
    int state = v[ST_S] >= v[ST_E] ? ST_S : ST_E;
    /* Walk the back pointers into back[4 * t] (the chosen state at t), then emit left to right. */
    for (Py_ssize_t t = n - 1; t >= 0; t--) {
        int prev = t > 0 ? back[4 * t + state] : 0;
        back[4 * t] = (uint8_t)state;
        state = prev;
    }
    Py_ssize_t begin = 0, next = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        int pos = back[4 * i];
        if (pos == ST_B) {
            begin = i;
        } else if (pos == ST_E) {
            if (emit(c, start + begin, start + i + 1, 0) < 0) return -1;
            next = i + 1;
        } else if (pos == ST_S) {
            if (emit(c, start + i, start + i + 1, 0) < 0) return -1;
            next = i + 1;
        }
    }
    if (next < n) return emit(c, start + next, end, 0);
    return 0;
}

/* finalseg.cut's other runs: re.split on ([a-zA-Z0-9]+(?:\.\d+)?%?), every non-empty piece a token. */
static int hmm_other_run(Cut *c, Py_ssize_t start, Py_ssize_t end) {
    Py_ssize_t i = start, between = start;
    while (i < end) {
        if (!is_ascii_alnum(PyUnicode_READ(c->kind, c->data, i))) {
            i++;
            continue;
        }
        Py_ssize_t j = i;
        while (j < end && is_ascii_alnum(PyUnicode_READ(c->kind, c->data, j))) j++;
        if (j + 1 < end && PyUnicode_READ(c->kind, c->data, j) == '.' &&
            Py_UNICODE_ISDECIMAL(PyUnicode_READ(c->kind, c->data, j + 1))) {
            j += 2;
            while (j < end && Py_UNICODE_ISDECIMAL(PyUnicode_READ(c->kind, c->data, j))) j++;
        }
        if (j < end && PyUnicode_READ(c->kind, c->data, j) == '%') j++;
        if (between < i && emit(c, between, i, 0) < 0) return -1;
        if (emit(c, i, j, 0) < 0) return -1;
        i = between = j;
    }
    if (between < end) return emit(c, between, end, 0);
    return 0;
}

/* finalseg.cut */
static int hmm_cut(Cut *c, Py_ssize_t start, Py_ssize_t end) {
    Py_ssize_t i = start;
    while (i < end) {
        int han = is_han(PyUnicode_READ(c->kind, c->data, i));
        Py_ssize_t j = i + 1;
        while (j < end && is_han(PyUnicode_READ(c->kind, c->data, j)) == han) j++;
        if ((han ? hmm_han_run(c, i, j) : hmm_other_run(c, i, j)) < 0) return -1;
        i = j;
    }
    return 0;
}

/* ------------------------------------------------------------------------------------------------------ */
/* blocks (Tokenizer.__cut_DAG / __cut_DAG_NO_HMM)                                                          */
/* ------------------------------------------------------------------------------------------------------ */
static void best_route(Cut *c, Py_ssize_t start, Py_ssize_t n) {
    const Segmenter *s = c->seg;
    double *rp = c->route_p;
    Py_ssize_t *rx = c->route_x;
    uint32_t *rn = c->route_node;
    rp[n] = 0.0;
    for (Py_ssize_t idx = n - 1; idx >= 0; idx--) {
        double best_p = 0.0;
        Py_ssize_t best_x = -1;
        uint32_t best_node = 0, node = 0, first = 0;
        for (Py_ssize_t i = idx; i < n; i++) {
            node = trie_child(s, node, PyUnicode_READ(c->kind, c->data, start + i));
            if (!node) break;
            if (i == idx) first = node;
            if (s->flags[node] & FLAG_WORD) {
                double p = s->logp[node] + rp[i + 1];
                if (best_x < 0 || p >= best_p) { /* max of (p, x) tuples: equal p, larger x */
                    best_p = p;
                    best_x = i;
                    best_node = node;
                }
            }
            if (!(s->flags[node] & FLAG_CHILDREN)) break;
        }
        if (best_x < 0) { /* no word starts here: the character alone, log(1) - log(total) */
            best_p = (0.0 - s->log_total) + rp[idx + 1];
            best_x = idx;
            best_node = first;
        }
        rp[idx] = best_p;
        rx[idx] = best_x;
        rn[idx] = best_node;
    }
}

static int flush_single_chars(Cut *c, Py_ssize_t start, Py_ssize_t from, Py_ssize_t to) {
    if (to - from == 1) return emit(c, start + from, start + to, c->route_node[from]);
    uint32_t node = trie_find(c->seg, c->kind, c->data, start + from, start + to);
    if (node && (c->seg->flags[node] & FLAG_WORD)) {
        for (Py_ssize_t i = from; i < to; i++)
            if (emit(c, start + i, start + i + 1, c->route_node[i]) < 0) return -1;
        return 0;
    }
    return hmm_cut(c, start + from, start + to);
}

static int cut_block(Cut *c, Py_ssize_t start, Py_ssize_t end, int hmm) {
    Py_ssize_t n = end - start;
    if (cut_reserve(c, n + 1) < 0) return -1;
    best_route(c, start, n);
    Py_ssize_t x = 0, buf = -1; /* buf: start of the pending run of single characters, -1 if none */
    while (x < n) {
        Py_ssize_t y = c->route_x[x] + 1;
        int single = y - x == 1;
        if (hmm ? single : (single && is_ascii_alnum(PyUnicode_READ(c->kind, c->data, start + x)))) {
            if (buf < 0) buf = x;
        } else {
            if (buf >= 0) {
                int rc = hmm ? flush_single_chars(c, start, buf, x) : emit(c, start + buf, start + x, 0);
                if (rc < 0) return -1;
                buf = -1;
            }
            if (emit(c, start + x, start + y, c->route_node[x]) < 0) return -1;
        }
        x = y;
    }
    if (buf >= 0) return hmm ? flush_single_chars(c, start, buf, n) : emit(c, start + buf, start + n, 0);
    return 0;
}

static int cut_text(Cut *c, int hmm) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(c->text);
    Py_ssize_t i = 0;
    while (i < n) {
        Py_UCS4 ch = PyUnicode_READ(c->kind, c->data, i);
        if (in_block(ch)) {
            Py_ssize_t j = i + 1;
            while (j < n && in_block(PyUnicode_READ(c->kind, c->data, j))) j++;
            if (cut_block(c, i, j, hmm) < 0) return -1;
            i = j;
        } else if (ch == '\r' && i + 1 < n && PyUnicode_READ(c->kind, c->data, i + 1) == '\n') {
            if (emit(c, i, i + 2, 0) < 0) return -1;
            i += 2;
        } else {
            if (emit(c, i, i + 1, 0) < 0) return -1;
            i++;
        }
    }
    return 0;
}

/* ------------------------------------------------------------------------------------------------------ */
/* the Python type                                                                                          */
/* ------------------------------------------------------------------------------------------------------ */
static int read_doubles(PyObject *seq, double *out, Py_ssize_t n, const char *what) {
    PyObject *fast = PySequence_Fast(seq, what);
    if (!fast) return -1;
    if (PySequence_Fast_GET_SIZE(fast) != n) {
        PyErr_Format(PyExc_ValueError, "%s: expected %zd numbers, got %zd", what, n, PySequence_Fast_GET_SIZE(fast));
        Py_DECREF(fast);
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        out[i] = PyFloat_AsDouble(PySequence_Fast_GET_ITEM(fast, i));
        if (out[i] == -1.0 && PyErr_Occurred()) {
            Py_DECREF(fast);
            return -1;
        }
    }
    Py_DECREF(fast);
    return 0;
}

/* Free every table and return to the uninitialised state (check_ready fails, __init__ may be called again). */
static void Segmenter_clear_tables(Segmenter *self) {
    PyMem_Free(self->logp);
    PyMem_Free(self->flags);
    PyMem_Free(self->root_bmp);
    PyMem_Free(self->slots);
    PyMem_Free(self->emit);
    self->logp = NULL;
    self->flags = NULL;
    self->root_bmp = NULL;
    self->slots = NULL;
    self->emit = NULL;
    self->n_nodes = self->cap_nodes = 0;
}

static void Segmenter_dealloc(Segmenter *self) {
    Segmenter_clear_tables(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int Segmenter_build(Segmenter *self, PyObject *words, PyObject *freqs, PyObject *total, PyObject *start,
                           PyObject *trans, PyObject *emit_table);

/* Segmenter(words, freqs, total, start, trans, emit) */
static int Segmenter_init(Segmenter *self, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"words", "freqs", "total", "start", "trans", "emit", NULL};
    PyObject *words, *freqs, *total, *start, *trans, *emit_table;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O!O!OOOO!", kwlist, &PyList_Type, &words, &PyList_Type, &freqs,
                                     &total, &start, &trans, &PyDict_Type, &emit_table))
        return -1;
    if (self->logp) {
        PyErr_SetString(PyExc_RuntimeError, "Segmenter is already initialised");
        return -1;
    }
    /* Private copies: nothing the build calls can change them under it. */
    PyObject *word_copy = PyList_GetSlice(words, 0, PyList_GET_SIZE(words));
    PyObject *freq_copy = PyList_GetSlice(freqs, 0, PyList_GET_SIZE(freqs));
    PyObject *emit_copy = PyDict_Copy(emit_table);
    int rc = -1;
    if (word_copy && freq_copy && emit_copy)
        rc = Segmenter_build(self, word_copy, freq_copy, total, start, trans, emit_copy);
    Py_XDECREF(word_copy);
    Py_XDECREF(freq_copy);
    Py_XDECREF(emit_copy);
    if (rc < 0) Segmenter_clear_tables(self);
    return rc;
}

static int Segmenter_build(Segmenter *self, PyObject *words, PyObject *freqs, PyObject *total, PyObject *start,
                           PyObject *trans, PyObject *emit_table) {
    Py_ssize_t n_words = PyList_GET_SIZE(words);
    if (PyList_GET_SIZE(freqs) != n_words) {
        PyErr_SetString(PyExc_ValueError, "words and freqs must have the same length");
        return -1;
    }
    double total_value = PyFloat_AsDouble(total);
    if (total_value == -1.0 && PyErr_Occurred()) return -1;
    if (!(total_value > 0)) {
        PyErr_SetString(PyExc_ValueError, "the dictionary's total frequency must be positive");
        return -1;
    }
    self->log_total = log(total_value);
    if (read_doubles(start, self->start, 4, "start probabilities (B, E, M, S)") < 0) return -1;
    if (read_doubles(trans, &self->trans[0][0], 16, "transition probabilities (4 x 4)") < 0) return -1;

    /* emit: {character: (B, E, M, S)} for Han characters; missing entries are MIN_FLOAT */
    size_t n_han = HAN_LAST - HAN_FIRST + 1;
    self->emit = PyMem_Malloc(sizeof(double[4]) * n_han);
    if (!self->emit) goto nomem;
    for (size_t i = 0; i < n_han; i++)
        for (int y = 0; y < 4; y++) self->emit[i][y] = MIN_FLOAT;
    Py_ssize_t pos = 0;
    PyObject *key, *value;
    while (PyDict_Next(emit_table, &pos, &key, &value)) {
        if (!PyUnicode_Check(key) || PyUnicode_GET_LENGTH(key) != 1) {
            PyErr_SetString(PyExc_ValueError, "emission keys must be single characters");
            return -1;
        }
        Py_UCS4 ch = PyUnicode_READ_CHAR(key, 0);
        if (!is_han(ch)) continue; /* never observed by the Viterbi */
        if (read_doubles(value, self->emit[ch - HAN_FIRST], 4, "emission probabilities (B, E, M, S)") < 0) return -1;
    }

    /* the prefix dictionary: every prefix of a word is a node; a later entry of the same word replaces an
       earlier one, as in jieba's gen_pfdict */
    Py_ssize_t chars = 0;
    for (Py_ssize_t w = 0; w < n_words; w++) {
        PyObject *word = PyList_GET_ITEM(words, w);
        if (!PyUnicode_Check(word)) {
            PyErr_SetString(PyExc_TypeError, "dictionary words must be str");
            return -1;
        }
        chars += PyUnicode_GET_LENGTH(word);
    }
    uint64_t slots = 1024;
    while (slots < (uint64_t)chars * 2) slots *= 2;
    self->mask = slots - 1;
    self->slots = PyMem_Calloc(slots, sizeof(Slot));
    self->root_bmp = PyMem_Calloc(0x10000, sizeof(uint32_t));
    if (!self->slots || !self->root_bmp || trie_grow_nodes(self) < 0) goto nomem;
    self->n_nodes = 1; /* the root */
    self->flags[0] = 0;
    self->logp[0] = 0.0;
    for (Py_ssize_t w = 0; w < n_words; w++) {
        PyObject *word = PyList_GET_ITEM(words, w);
        Py_ssize_t len = PyUnicode_GET_LENGTH(word);
        if (len == 0) continue;
        PyObject *freq = PyList_GET_ITEM(freqs, w);
        if (!PyLong_Check(freq)) { /* an int, so reading it runs no Python code */
            PyErr_Format(PyExc_TypeError, "frequencies must be int, not %.100s", Py_TYPE(freq)->tp_name);
            return -1;
        }
        long long f = PyLong_AsLongLong(freq);
        if (f == -1 && PyErr_Occurred()) return -1;
        if (f < 0) {
            PyErr_Format(PyExc_ValueError, "negative frequency %lld for the word %R", f, word);
            return -1;
        }
        uint32_t node = 0;
        for (Py_ssize_t i = 0; i < len; i++) {
            if (self->n_nodes >= (1u << 31)) {
                PyErr_SetString(PyExc_OverflowError, "dictionary too large");
                return -1;
            }
            node = trie_add_child(self, node, PyUnicode_READ_CHAR(word, i));
            if (!node) goto nomem;
        }
        if (f > 0) {
            self->flags[node] |= FLAG_WORD;
            self->logp[node] = log((double)f) - self->log_total;
        } else {
            self->flags[node] &= (uint8_t)~FLAG_WORD;
        }
    }
    return 0;
nomem:
    PyErr_NoMemory();
    return -1;
}

static int check_text(PyObject *text) {
    if (!PyUnicode_Check(text)) {
        PyErr_Format(PyExc_TypeError, "text must be str, not %.100s", Py_TYPE(text)->tp_name);
        return -1;
    }
    return 0;
}

static int check_ready(Segmenter *self) {
    if (!self->logp) {
        PyErr_SetString(PyExc_RuntimeError, "Segmenter is not initialised");
        return -1;
    }
    return 0;
}

PyDoc_STRVAR(cut_doc, "cut(text, hmm=True) -> list[str]\n\nThe tokens of jieba.lcut(text, HMM=hmm).");

static PyObject *Segmenter_cut(Segmenter *self, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"text", "hmm", NULL};
    PyObject *text;
    int hmm = 1;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|p", kwlist, &text, &hmm)) return NULL;
    if (check_ready(self) < 0 || check_text(text) < 0) return NULL;
    Cut c = {0};
    c.seg = self;
    c.text = text;
    c.kind = PyUnicode_KIND(text);
    c.data = PyUnicode_DATA(text);
    c.out = PyList_New(0);
    if (!c.out) return NULL;
    if (cut_text(&c, hmm) < 0) Py_CLEAR(c.out);
    cut_free(&c);
    return c.out;
}

PyDoc_STRVAR(cut_filtered_doc,
             "cut_filtered(text, hmm, memo, node_cache, separator) -> list[list[str]]\n\n"
             "Segment texts joined by the one-character separator; return each text's tokens as memo[token],\n"
             "leaving out those mapped to \"\". node_cache is a list of node_count items, None when unknown,\n"
             "filled in as tokens are seen; it must be used with one memo only.");

static PyObject *Segmenter_cut_filtered(Segmenter *self, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"text", "hmm", "memo", "node_cache", "separator", NULL};
    PyObject *text, *memo, *node_cache, *separator;
    int hmm;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OpOO!U", kwlist, &text, &hmm, &memo, &PyList_Type, &node_cache,
                                     &separator))
        return NULL;
    if (check_ready(self) < 0 || check_text(text) < 0) return NULL;
    if (PyList_GET_SIZE(node_cache) != (Py_ssize_t)self->n_nodes) {
        PyErr_Format(PyExc_ValueError, "node_cache must have node_count (%u) items", self->n_nodes);
        return NULL;
    }
    if (PyUnicode_GET_LENGTH(separator) != 1) {
        PyErr_SetString(PyExc_ValueError, "separator must be one character");
        return NULL;
    }
    Cut c = {0};
    c.seg = self;
    c.text = text;
    c.kind = PyUnicode_KIND(text);
    c.data = PyUnicode_DATA(text);
    c.filtered = 1;
    c.memo = memo;
    c.node_cache = node_cache;
    c.separator = PyUnicode_READ_CHAR(separator, 0);
    c.batches = PyList_New(0);
    if (!c.batches) return NULL;
    PyObject *first = PyList_New(0);
    if (!first || PyList_Append(c.batches, first) < 0) {
        Py_XDECREF(first);
        Py_DECREF(c.batches);
        return NULL;
    }
    c.out = first;
    Py_DECREF(first);
    if (cut_text(&c, hmm) < 0) Py_CLEAR(c.batches);
    cut_free(&c);
    return c.batches;
}

#define SEGMENT_VERSION "1" /* bump when the tokens this module yields change; part of the tokens' cache key */

static PyObject *Segmenter_node_count(Segmenter *self, void *closure) {
    return PyLong_FromUnsignedLong(self->n_nodes);
}

static PyMethodDef Segmenter_methods[] = {
    {"cut", (PyCFunction)(void (*)(void))Segmenter_cut, METH_VARARGS | METH_KEYWORDS, cut_doc},
    {"cut_filtered", (PyCFunction)(void (*)(void))Segmenter_cut_filtered, METH_VARARGS | METH_KEYWORDS,
     cut_filtered_doc},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef Segmenter_getset[] = {
    {"node_count", (getter)Segmenter_node_count, NULL, "number of trie nodes (keys of the prefix dictionary + 1)",
     NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

PyDoc_STRVAR(Segmenter_doc,
             "Segmenter(words, freqs, total, start, trans, emit)\n\n"
             "jieba's segmentation over a dictionary (words and their frequencies in file order; total: the sum\n"
             "of the frequencies) and jieba's HMM tables (start: B, E, M, S; trans: 4 x 4 from-to;\n"
             "emit: {char: (B, E, M, S)}).");

static PyTypeObject SegmenterType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "reportlab_analysis._segment.Segmenter",
    .tp_basicsize = sizeof(Segmenter),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = Segmenter_doc,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Segmenter_init,
    .tp_dealloc = (destructor)Segmenter_dealloc,
    .tp_methods = Segmenter_methods,
    .tp_getset = Segmenter_getset,
};

static struct PyModuleDef segment_module = {
    PyModuleDef_HEAD_INIT, .m_name = "reportlab_analysis._segment",
    .m_doc = "jieba 0.42.1's segmentation, compiled (see tokenize.py, backend='native').", .m_size = -1,
};

PyMODINIT_FUNC PyInit__segment(void) {
    if (PyType_Ready(&SegmenterType) < 0) return NULL;
    PyObject *module = PyModule_Create(&segment_module);
    if (!module) return NULL;
    if (PyModule_AddStringConstant(module, "VERSION", SEGMENT_VERSION) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    Py_INCREF(&SegmenterType);
    if (PyModule_AddObject(module, "Segmenter", (PyObject *)&SegmenterType) < 0) {
        Py_DECREF(&SegmenterType);
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
