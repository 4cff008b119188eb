"""部门决算公开表校验（xlplugin）在 xlwings Lite 中的按钮。

把本文件的全部内容粘贴到 xlwings Lite 的 main.py，把同目录 requirements.txt 的内容粘贴到
requirements.txt 标签页。任务窗格里出现三个按钮：校验、清除标注、规则包。

在“公开01表”上画两个形状，名称框里分别命名为 xlplugin_check、xlplugin_clear，并各自链接到
它盖住的单元格（F2、F5），即成为表上的“校验”“清除标注”按钮。详见 docs/Excel使用说明.md。
"""
import xlwings as xw
from xlwings import script

from xlplugin import lite


@script(name="校验", button="[xlplugin_check]公开01表!F2", show_taskpane=True)
async def check(book: xw.Book):
    """按规则包校验本工作簿：有问题的单元格着色并加批注，全部问题列在“校验结果”表。"""
    await lite.validate(book)


@script(name="清除标注", button="[xlplugin_clear]公开01表!F5")
async def clear_marks(book: xw.Book):
    """去掉校验留下的着色、批注和“校验结果”表，恢复原样。"""
    await lite.clear(book)


@script(name="规则包")
async def which_pack(book: xw.Book):
    """显示正在使用的规则包；在“xlplugin.conf”表的 XLPLUGIN_PACK 一行可以指定。"""
    await lite.show_pack(book)
